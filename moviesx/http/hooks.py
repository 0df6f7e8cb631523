"""Per-request hooks: request id, body size cap, structured access log, deferred inline jobs."""

from __future__ import annotations

import logging
import time
import uuid

from flask import Flask, Response, current_app, g, request

from moviesx.http.errors import APIError, translate
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
    user = g.get("user")
    log.info(
        "request",
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - g.get("request_started", time.perf_counter())) * 1000, 2),
            "user_id": getattr(user, "id", g.get("user_id")),
            "remote_addr": request.remote_addr,
        },
    )
    return response


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
    register_job_hook(app)


def register_job_hook(app: Flask) -> None:
    from moviesx.tasks.queue import run_deferred_jobs

    app.after_request(run_deferred_jobs)
