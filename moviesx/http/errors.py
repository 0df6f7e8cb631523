"""One error path: every failure leaves as the contract's JSON body (API.md 3.1)."""

from __future__ import annotations

import logging
import re
import threading
import time
from typing import Any

from flask import Flask, Response, current_app, has_request_context, jsonify, request
from flask_babel import gettext
from marshmallow import ValidationError
from sqlalchemy import event
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, PendingRollbackError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.exceptions import NotFound as WerkzeugNotFound

from moviesx.extensions import db
from moviesx.metrics import OUTAGE_RESPONSES

log = logging.getLogger("moviesx.errors")

MAX_DB_ID = 2**63 - 1


def translate(message: str, **params: Any) -> str:
    """Translate an English message id, then fill its `{placeholders}`."""
    translated = gettext(message) if message else message
    return translated.format(**params) if params else translated


class APIError(Exception):
    """An error that leaves as `body` with `status`; raise it from anywhere in a request."""

    def __init__(self, status: int, body: dict | list, headers: dict[str, str] | None = None):
        super().__init__(status, body)
        self.status = status
        self.body = body
        self.headers = headers or {}


def error(status: int, message: str, *, key: str = "error", headers: dict[str, str] | None = None, **params) -> APIError:
    """An APIError whose body is `{key: translated message}`."""
    return APIError(status, {key: translate(message, **params)}, headers)


RETRY_AFTER_OUTAGE = 5


def unavailable(dependency: str) -> APIError:
    """503 for a request that needs a dependency (`database`, `cache`, `media`) that cannot be reached (API.md 21)."""
    OUTAGE_RESPONSES.labels(dependency=dependency).inc()
    return error(503, "Service temporarily unavailable", headers={"Retry-After": str(RETRY_AFTER_OUTAGE)})


class NotFound(APIError):
    """The generic 404 naming the model and lookup value that failed to resolve."""

    def __init__(self, model: str = "unknown", lookup_value: Any = "unknown"):
        super().__init__(
            404,
            {
                "error": translate("Not Found"),
                "message": translate("The requested resource was not found."),
                "model": model,
                "lookup_value": str(lookup_value),
            },
        )


class FieldErrors(APIError):
    """400 `{"field": ["first message"]}`; messages are translated when a catalogue entry exists."""

    def __init__(self, messages: dict[str, Any]):
        super().__init__(400, {field: [translate(msg)] for field, msg in first_messages(messages).items()})


def first_messages(messages: dict[str, Any]) -> dict[str, str]:
    """Collapse marshmallow's nested messages to the first message per top-level field."""
    flat: dict[str, str] = {}
    for field, value in messages.items():
        key = "__all__" if field == "_schema" else str(field)
        flat[key] = _first(value)
    return flat


def _first(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for item in value.values():
            return _first(item)
    if isinstance(value, (list, tuple)) and value:
        return _first(value[0])
    return str(value)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def json_response(body: Any, status: int, headers: dict[str, str] | None = None) -> Response:
    try:
        response = jsonify(body)
    except UnicodeEncodeError:
        # A message echoing a value as sent (e.g. a choice) may hold a lone surrogate: write it as a JSON escape.
        text = _LONE_SURROGATE.sub(
            lambda match: f"\\u{ord(match.group()):04x}", current_app.json.dumps(body, separators=(",", ":"))
        )
        response = current_app.response_class(text + "\n", mimetype=current_app.json.mimetype)
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _www_authenticate(status: int, headers: dict[str, str]) -> dict[str, str]:
    if status == 401:
        return {"WWW-Authenticate": "Bearer", **headers}
    return headers


def handle_api_error(exc: APIError) -> Response:
    return json_response(exc.body, exc.status, _www_authenticate(exc.status, exc.headers))


def handle_validation_error(exc: ValidationError) -> Response:
    return handle_api_error(FieldErrors(exc.messages if isinstance(exc.messages, dict) else {"__all__": exc.messages}))


def _methods_of_other_slash_form() -> list[str] | None:
    """Werkzeug reports 404 when only the other slash form of a path has the route; that is a 405 here."""
    if not has_request_context() or request.url_rule is not None:
        return None
    path = request.path
    other = path[:-1] if path.endswith("/") and len(path) > 1 else path + "/"
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(other, method=request.method)
    except MethodNotAllowed as exc:
        return list(exc.valid_methods or [])
    except HTTPException:
        return None
    return None


def method_not_allowed(methods) -> Response:
    return json_response({"error": translate("Method not allowed")}, 405, {"Allow": ", ".join(sorted(methods))})


def handle_http_exception(exc: HTTPException) -> Response:
    status = exc.code or 500
    if status == 404:
        methods = _methods_of_other_slash_form() if isinstance(exc, WerkzeugNotFound) else None
        if methods:
            return method_not_allowed(methods)
        return handle_api_error(NotFound())
    if status == 405:
        return method_not_allowed(exc.valid_methods or [])
    if status == 413:
        return json_response({"error": translate("Request body too large")}, 413)
    if status == 400:
        return json_response({"error": translate("Invalid JSON body")}, 400)
    if status >= 500:
        return handle_unexpected_error(exc)
    return json_response({"error": translate(exc.name)}, status)


def handle_unexpected_error(exc: Exception) -> Response:
    # An error raised outside the view (an after-request hook) arrives wrapped in Flask's InternalServerError.
    cause = getattr(exc, "original_exception", None) or exc
    if database_unreachable(cause):
        return handle_api_error(database_outage(cause))
    log.exception("Unhandled error", exc_info=exc)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the session may itself be the broken part
        log.warning("Rollback after an unhandled error failed", exc_info=True)
    return json_response({"error": translate("Internal server error")}, 500)


# SQLAlchemy's code for "Can't reconnect until invalid transaction is rolled back" (the connection died mid-use).
_INVALIDATED_TRANSACTION = "8s2b"


def database_unreachable(exc: BaseException) -> bool:
    """Whether `exc` says the database could not be reached (a 503), rather than that a statement is wrong (a 500).

    A connection that could not be opened (an error raised without a statement), one that SQLAlchemy saw die (a
    restart, a network cut), or no free connection in the pool counts; a failed constraint, a syntax error or a
    missing table (an OperationalError on SQLite) does not.
    """
    if isinstance(exc, (DisconnectionError, PoolTimeoutError)):
        return True
    if isinstance(exc, PendingRollbackError):
        return exc.code == _INVALIDATED_TRANSACTION
    if isinstance(exc, (OperationalError, InterfaceError)):
        return exc.connection_invalidated or exc.statement is None
    return False


class OutageLog:
    """Logs a dependency outage once when it starts and once when it ends, however many requests it fails."""

    def __init__(self, dependency: str):
        self.dependency = dependency
        self._lock = threading.Lock()
        self._since: float | None = None
        self._failures = 0

    def failed(self, exc: BaseException) -> None:
        with self._lock:
            starting = self._since is None
            if starting:
                self._since = time.monotonic()
            self._failures += 1
        if starting:
            log.error("The %s cannot be reached; answering 503 until it can", self.dependency, exc_info=exc)

    def reached(self) -> None:
        if self._since is None:  # the usual case, without taking the lock
            return
        with self._lock:
            since, failures = self._since, self._failures
            self._since, self._failures = None, 0
        if since is not None:
            log.warning(
                "The %s can be reached again after %.1f s (%d requests answered 503)",
                self.dependency,
                time.monotonic() - since,
                failures,
            )


_DATABASE_OUTAGE = "moviesx.database_outage"


def database_outage(exc: BaseException) -> APIError:
    """The 503 for a request whose database connection failed; the session is rolled back for the next request."""
    current_app.extensions[_DATABASE_OUTAGE].failed(exc)
    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - a rollback on a dead connection may fail too; the pool replaces it
        log.debug("Rollback after a database outage failed", exc_info=True)
    return unavailable("database")


def watch_database(app: Flask) -> None:
    """Record database outages per app; the first statement that runs again ends one."""
    outage = app.extensions[_DATABASE_OUTAGE] = OutageLog("database")
    with app.app_context():
        event.listen(db.engine, "after_cursor_execute", lambda *_: outage.reached())


def register_error_handlers(app: Flask) -> None:
    watch_database(app)
    app.register_error_handler(APIError, handle_api_error)
    app.register_error_handler(ValidationError, handle_validation_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)
