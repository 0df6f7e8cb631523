"""Per-request hooks: request id, body size cap, structured access log, request metrics, security and CORS headers,
session close, deferred inline jobs."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from functools import wraps

from flask import Flask, Response, after_this_request, current_app, g, request
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.http import parse_set_header

from moviesx.extensions import db
from moviesx.http.errors import APIError, database_unreachable, translate
from moviesx.http.language import DEFAULT_LANGUAGE, set_language
from moviesx.metrics import REQUEST_SECONDS, REQUESTS

log = logging.getLogger("moviesx.requests")


def _start_request() -> None:
    # `g` lives in the app context, which a request reuses when one is already pushed (tests, CLI):
    # every request starts in English and without a caller (API.md 1.6).
    g.pop("user", None)
    g.pop("user_id", None)
    g.pop("feed_read", None)
    g.pop("caller_row", None)
    g.pop("caller_facts", None)
    set_language(DEFAULT_LANGUAGE)
    g.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex
    g.request_started = time.perf_counter()
    length = request.content_length
    if length is not None and length > current_app.config["MAX_CONTENT_LENGTH"]:
        raise APIError(413, {"error": translate("Request body too large")})


def _finish_request(response: Response) -> Response:
    response.headers["X-Request-ID"] = g.get("request_id", "")
    response.headers["X-Content-Type-Options"] = "nosniff"
    seconds = time.perf_counter() - g.get("request_started", time.perf_counter())
    _count_request(response.status_code, seconds)
    log.info(
        "request",
        extra={
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": round(seconds * 1000, 2),
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


# Labels come from bounded sets only (a label value per raw path or method name would let clients create series).
METRIC_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def _count_request(status: int, seconds: float) -> None:
    method = request.method if request.method in METRIC_METHODS else "other"
    route = request.url_rule.rule if request.url_rule is not None else "unknown"
    REQUESTS.labels(method=method, route=route, status=str(status)).inc()
    REQUEST_SECONDS.labels(method=method, route=route).observe(seconds)


def no_store(view: Callable) -> Callable:
    """Put right under the route: its answers (errors included) carry tokens, which no cache may keep."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        after_this_request(_forbid_storing)
        return view(*args, **kwargs)

    return wrapper


def _forbid_storing(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


PREFLIGHT_HEADERS = ("Authorization", "Content-Type")


def _complete_cors_headers(response: Response) -> Response:
    """What Flask-CORS leaves out of an answer to an allowed origin (API.md 1.5): `Vary: Origin` when only one origin
    is configured (a shared cache must not give one origin's answer to another), and Authorization and Content-Type
    among the headers a preflight allows, besides those it asked for."""
    if "Access-Control-Allow-Origin" not in response.headers:
        return response
    vary = parse_set_header(", ".join(response.headers.getlist("Vary")))
    vary.add("Origin")
    response.headers["Vary"] = vary.to_header()
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
    app.after_request_funcs.setdefault(None, []).insert(0, _complete_cors_headers)
    app.teardown_appcontext(_close_session)  # registered after Flask-SQLAlchemy's, so it runs first
    register_job_hook(app)


def register_job_hook(app: Flask) -> None:
    from moviesx.services.jobs import run_deferred_jobs

    app.after_request(run_deferred_jobs)
