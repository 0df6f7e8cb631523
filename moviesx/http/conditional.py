"""Answers from serialised bodies: conditional requests (API.md 20) and page envelopes around cached items.

A `Representation` is a JSON body with its strong entity tag, a hash of the bytes: the tag changes exactly when the
body does (a catalogue write, another language, another scheme or host) and two identical bodies share it, in every
process. `@conditional` turns a view's Representation into the 200, or into a 304 when `If-None-Match` lists the
tag; it runs inside the view, so after every check of API.md 1.7 (auth, rate limit, path objects).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Response, current_app, request

CACHE_CONTROL = "private, no-cache"  # a client may keep the body, and revalidates it with its tag before each use
STRING = {"type": "string"}
CONDITIONAL_HEADERS = {
    "ETag": {
        "description": "Strong entity tag of the body: it changes whenever the body would (a catalogue write, "
        "another language, another host) and is the same for identical bodies. Send it back in `If-None-Match`.",
        "schema": STRING,
        "required": True,
    },
    "Cache-Control": {"description": f"Always `{CACHE_CONTROL}`.", "schema": STRING, "required": True},
}
IF_NONE_MATCH = {
    "in": "header",
    "name": "If-None-Match",
    "required": False,
    "description": "Entity tags the client holds (`W/` prefixes are ignored), or `*`: when one of them is the "
    "body's current tag, the answer is 304 without a body.",
    "schema": STRING,
}
NOT_MODIFIED = {
    "description": "Not Modified: `If-None-Match` lists the current tag (or is `*`). No body; the same `ETag` and "
    "`Cache-Control` as the 200. Given only after authentication, rate limiting and the path's objects pass.",
    "headers": CONDITIONAL_HEADERS,
}


@dataclass(frozen=True)
class Representation:
    body: bytes  # JSON, UTF-8
    etag: str  # unquoted

    @classmethod
    def of(cls, body: bytes) -> Representation:
        return cls(body, tag_of(body))


def tag_of(body: bytes) -> str:
    return hashlib.blake2b(body, digest_size=16).hexdigest()


def json_bytes(data: Any) -> bytes:
    """`data` as the app writes JSON (API.md 1.4: UTF-8, non-ASCII literal), compact."""
    return current_app.json.dumps(data, separators=(",", ":")).encode()


def json_response(body: bytes) -> Response:
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def answer(representation: Representation) -> Response:
    """200 with the body, or 304 when If-None-Match lists its tag (weak comparison) or is `*`; both carry the tag."""
    if request.if_none_match.contains_weak(representation.etag):
        response = current_app.response_class(status=304)
    else:
        response = json_response(representation.body)
    response.set_etag(representation.etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


def conditional(view: Callable) -> Callable:
    """The view returns a Representation; see `Blueprint.conditional_response`, which documents it."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        return answer(view(*args, **kwargs))

    return wrapper


def page_body(envelope: dict) -> bytes:
    """The page envelope (API.md 3.3) whose `results` are JSON bodies already serialised, as one JSON body."""
    rest = json_bytes({key: value for key, value in envelope.items() if key != "results"})
    return b'{"results":[' + b",".join(envelope["results"]) + b"]," + rest[1:]
