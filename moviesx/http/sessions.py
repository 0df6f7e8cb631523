"""No cookie session: the API authenticates every request with a bearer token (API.md 2) and keeps nothing in Flask's
`session`. Flask's default interface builds a signing serializer and parses the cookies of every request to open
one (about a tenth of the server time of a cached answer); this one opens none, and `flask.session` is Flask's
null session, which refuses to be written."""

from __future__ import annotations

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin


class NoCookieSession(SessionInterface):
    def open_session(self, app: Flask, request: Request) -> None:
        return None  # Flask then uses `make_null_session()`

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None
