"""The one clock of the application; tests inject another through `app.config["CLOCK"]`."""

from __future__ import annotations

from datetime import UTC, date, datetime

from flask import current_app, has_app_context


def utcnow() -> datetime:
    """Naive UTC now (the database stores naive UTC)."""
    clock = current_app.config.get("CLOCK") if has_app_context() else None
    now = clock() if clock else datetime.now(UTC)
    if now.tzinfo is not None:
        now = now.astimezone(UTC).replace(tzinfo=None)
    return now


def today() -> date:
    return utcnow().date()


def to_timestamp(moment: datetime) -> float:
    return moment.replace(tzinfo=UTC).timestamp()
