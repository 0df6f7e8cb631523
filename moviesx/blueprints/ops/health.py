"""Liveness and readiness probes (API.md 9, 21)."""

from __future__ import annotations

import logging
from functools import cache

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Blueprint, Flask, current_app
from sqlalchemy import text

from moviesx.extensions import db
from moviesx.http.errors import json_response

bp = Blueprint("health", __name__)
log = logging.getLogger("moviesx.health")


def enabled(app: Flask) -> bool:
    return True


@bp.get("/healthz")
def healthz():
    return json_response({"status": "ok"}, 200)


@bp.get("/readyz")
def readyz():
    checks = {"database": _check_database()}
    if checks["database"] == "ok" and not _schema_at_head():
        # Named only when it fails: a reachable database without the tables would fail every request.
        checks["schema"] = "error"
    checks["redis"] = _check_redis()
    healthy = all(value in ("ok", "not configured") for value in checks.values())
    return json_response({"status": "ok" if healthy else "unavailable", "checks": checks}, 200 if healthy else 503)


def _check_database() -> str:
    try:
        db.session.execute(text("SELECT 1"))
        return "ok"
    except Exception:  # noqa: BLE001 - any failure means not ready
        log.warning("Database readiness check failed", exc_info=True)
        db.session.rollback()
        return "error"


def _schema_at_head() -> bool:
    """Whether the database's alembic_version holds exactly the heads of the app's migrations."""
    heads = migration_heads(str(current_app.extensions["migrate"].directory))
    try:
        current = MigrationContext.configure(db.session.connection()).get_current_heads()
    except Exception:  # noqa: BLE001 - an unreadable version table is not a schema to serve from
        log.warning("Schema readiness check failed", exc_info=True)
        db.session.rollback()
        return False
    if set(current) != heads:
        log.warning("Database schema at %s, migrations at %s", sorted(current), sorted(heads))
        return False
    return True


@cache
def migration_heads(directory: str) -> frozenset[str]:
    """Read once per process: the migrations only change with a new release."""
    return frozenset(ScriptDirectory(directory).get_heads())


def _check_redis() -> str:
    if not current_app.config.get("REDIS_URL"):
        return "not configured"
    from moviesx.services.jobs import redis_connection

    try:
        redis_connection().ping()
        return "ok"
    except Exception:  # noqa: BLE001
        log.warning("Redis readiness check failed", exc_info=True)
        return "error"
