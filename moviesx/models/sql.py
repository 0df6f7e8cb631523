"""Portable SQL helpers: Unicode case folding and code-point ordering on SQLite and PostgreSQL (API.md 6.8a)."""

from __future__ import annotations

from sqlalchemy import String, event, false
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction


class fold(GenericFunction):  # noqa: N801 - SQL function names read lower-case
    """Lower-case a string with Unicode rules (SQLite's own lower() is ASCII-only)."""

    type = String()
    inherit_cache = True


@compiles(fold)
def _fold_default(element, compiler, **kw):
    return "lower(%s)" % compiler.process(element.clauses, **kw)


@compiles(fold, "postgresql")
def _fold_postgresql(element, compiler, **kw):
    # Columns sorted by code point carry the "C" collation, whose lower() is ASCII-only: fold with the
    # database's default (Unicode) rules instead, so that `É` finds `Éva` there too.
    return 'lower((%s) COLLATE "default")' % compiler.process(element.clauses, **kw)


@compiles(fold, "sqlite")
def _fold_sqlite(element, compiler, **kw):
    return "py_lower(%s)" % compiler.process(element.clauses, **kw)


def codepoint(column):
    """Order by Unicode code point: SQLite's BINARY collation already does; PostgreSQL needs "C"."""
    return column.collate("C") if _dialect_name() == "postgresql" else column


def contains_folded(column, needle: str):
    """Case-insensitive substring test with %, _ and backslash taken literally."""
    if "\x00" in needle:  # no stored text holds NUL (PostgreSQL refuses it as a parameter)
        return false()
    return fold(column).contains(needle.lower(), autoescape=True)


def _dialect_name() -> str:
    from moviesx.extensions import db

    return db.engine.dialect.name


@event.listens_for(Engine, "connect")
def _register_sqlite_functions(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.create_function(
            "py_lower", 1, lambda value: value.lower() if isinstance(value, str) else value, deterministic=True
        )
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
