"""Helpers for the social tests: simulate a concurrent writer that wins a race."""

from __future__ import annotations

import contextlib

from sqlalchemy import event, text

from moviesx.extensions import db


@contextlib.contextmanager
def concurrent_insert(table: str, sql: str, params: dict):
    """Just before our first INSERT into `table`, another connection commits `sql`.

    This is the interleaving of two identical requests where the other one wins: our read saw
    nothing, the other request's row lands, and then our write runs into the constraint.
    """
    fired = []

    def before(conn, cursor, statement, parameters, context, executemany):
        if not fired and statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()}"):
            fired.append(True)
            with db.engine.connect() as other:
                other.execute(text(sql), params)
                other.commit()

    event.listen(db.engine, "before_cursor_execute", before)
    try:
        yield fired
    finally:
        event.remove(db.engine, "before_cursor_execute", before)
