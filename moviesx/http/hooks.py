"""Per-request hooks: request id, body size cap, structured access log, session close, deferred inline jobs."""

from __future__ import annotations

import logging
import time
import uuid

from flask import Flask, Response, current_app, g, request
from sqlalchemy.exc import SQLAlchemyError

from moviesx.extensions import db
from moviesx.http.errors import APIError, database_unreachable, translate
from moviesx.http.language import DEFAULT_LANGUAGE, set_language

log = logging.getLogger("moviesx.requests")


def _start_request() -> None:
    # `g` lives in the app context, which a request reuses when one is already pushed (tests, CLI):
    # every request starts in English and without a caller (API.md 1.6).
    g.pop("user", None)
    g.pop("user_id", None)
    g.pop("feed_read", None)
    set_language(DEFAULT_LANGUAGE)
    g.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
    g.request_started = time.perf_counter()
    length = request.content_length
    if length is not None and length > current_app.config["MAX_CONTENT_LENGTH"]:
        raise APIError(413, {"error": translate("Request body too large")})


def _finish_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    log.info(
        "request",
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 2),
            "user_id": g.get("user_id"),
            "remote_addr": request.remote_addr,
        },
    )
    return response


def _close_session(exc: BaseException | None) -> None:
    """Close the request's session before Flask-SQLAlchemy does, keeping the answer already given: its rollback on a
    connection lost after the answer was decided would otherwise fail the request after the fact (API.md 21)."""
    try:
        db.session.remove()
    except SQLAlchemyError as error:
        if not database_unreachable(error):  # an outage is logged by the requests that meet it
            log.exception("Closing the database session failed")


PREFLIGHT_HEADERS = ("Authorization", "Content-Type")


def _preflight_allow_headers(response: Response) -> Response:
    """A CORS preflight always allows Authorization and Content-Type, plus the headers it asked for (API.md 1.5)."""
    if request.method == "OPTIONS" and "Access-Control-Allow-Methods" in response.headers:
        allowed = [name.strip() for name in response.headers.get("Access-Control-Allow-Headers", "").split(",") if name.strip()]
        known = {name.lower() for name in allowed}
        allowed += [name for name in PREFLIGHT_HEADERS if name.lower() not in known]
        response.headers["Access-Control-Allow-Headers"] = ", ".join(allowed)
    return response


def register_hooks(app: Flask) -> None:
    app.before_request(_start_request)
    app.after_request(_finish_request)
    # First in the list = run last (after Flask-CORS has added its preflight headers).
    app.after_request_funcs.setdefault(None, []).insert(0, _preflight_allow_headers)
    app.teardown_appcontext(_close_session)  # registered after Flask-SQLAlchemy's, so it runs first
    register_job_hook(app)


def register_job_hook(app: Flask) -> None:
    from moviesx.tasks.queue import run_deferred_jobs

    app.after_request(run_deferred_jobs)
