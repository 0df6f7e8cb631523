"""Pooled database connections are checked before use only when they have been idle: a reused one is trusted.

SQLAlchemy's `pool_pre_ping` checks every connection the pool hands out, one round trip each time (a rating PUT
spent a tenth of its time on it). A connection given back less than PING_AFTER_IDLE_SECONDS ago was working a moment
ago; one idle for longer (a database restart, a proxy or server idle timeout, a network cut meanwhile) is checked with
the dialect's ping, and a dead one is replaced before the request sees it (the pool's documented answer to a
DisconnectionError raised on checkout). What is left: a connection that dies within a second of its last use fails the
statement it runs; SQLAlchemy then recycles every connection of the pool, and the request answers 503 like any
other database outage (API.md 21).
"""

from __future__ import annotations

import time

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError

PING_AFTER_IDLE_SECONDS = 1.0
_CHECKED_IN_AT = "moviesx.checked_in_at"  # in a pool entry's `info`, which lives as long as its DBAPI connection


def ping_idle_connections(engine: Engine) -> None:
    """Install the check on the pool of `engine` (a new engine: the app factory's)."""
    dialect = engine.dialect

    def ping_if_idle(dbapi_connection, entry, _proxy) -> None:
        checked_in_at = entry.info.get(_CHECKED_IN_AT)
        if checked_in_at is None or time.monotonic() - checked_in_at < PING_AFTER_IDLE_SECONDS:
            return  # new (it has just connected) or in use a moment ago
        try:
            alive = dialect.do_ping(dbapi_connection)
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, dbapi_connection, None):
                raise DisconnectionError() from exc
            raise
        if not alive:
            raise DisconnectionError()

    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", ping_if_idle)


def _note_checkin(_dbapi_connection, entry) -> None:
    entry.info[_CHECKED_IN_AT] = time.monotonic()
