"""Portable SQL helpers: Unicode case folding and code-point ordering on SQLite and PostgreSQL (API.md 6.8a)."""

from __future__ import annotations

from sqlalchemy import ARRAY, ColumnElement, Integer, String, any_, bindparam, event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import GenericFunction

# Where Unicode case folding differs from lower-casing in text people type (German sharp s, Greek final sigma, the
# long s and the Latin ligatures): applied after lower() on both databases (PostgreSQL has no casefold()) and to the
# searched text, so that `STRASSE` finds `Straße` and both databases agree.
FOLDINGS = (
    ("ß", "ss"),
    ("ς", "σ"),
    ("ſ", "s"),
    ("ﬀ", "ff"),
    ("ﬁ", "fi"),
    ("ﬂ", "fl"),
    ("ﬃ", "ffi"),
    ("ﬄ", "ffl"),
    ("ﬅ", "st"),
    ("ﬆ", "st"),
)


def fold_text(value: str) -> str:
    """The Python side of `fold`: lower-case, then the FOLDINGS."""
    value = value.lower()
    for source, target in FOLDINGS:
        value = value.replace(source, target)
    return value


class fold(GenericFunction):  # noqa: N801 - SQL function names read lower-case
    """Case-fold a string with Unicode rules (SQLite's own lower() is ASCII-only): lower() plus FOLDINGS."""

    type = String()
    inherit_cache = True


def _with_foldings(lowered: str) -> str:
    for source, target in FOLDINGS:
        lowered = f"replace({lowered}, '{source}', '{target}')"
    return lowered


@compiles(fold)
def _fold_default(element, compiler, **kw):
    return _with_foldings("lower(%s)" % compiler.process(element.clauses, **kw))


@compiles(fold, "postgresql")
def _fold_postgresql(element, compiler, **kw):
    # Columns sorted by code point carry the "C" collation, whose lower() is ASCII-only: fold with the
    # database's default (Unicode) rules instead, so that `É` finds `Éva` there too.
    return _with_foldings('lower((%s) COLLATE "default")' % compiler.process(element.clauses, **kw))


@compiles(fold, "sqlite")
def _fold_sqlite(element, compiler, **kw):
    return "py_fold(%s)" % compiler.process(element.clauses, **kw)


def codepoint(column):
    """Order by Unicode code point: SQLite's BINARY collation already does; PostgreSQL needs "C"."""
    return column.collate("C") if dialect_name() == "postgresql" else column


def among(column, name: str, dialect: str) -> ColumnElement[bool]:
    """`column IN (:name)` for a long list of ids given at execution (an earlier query's result). PostgreSQL gets
    one array parameter (`= ANY(:name)`: tested against a hashed array whose size the planner knows); SQLite gets
    the values written into the statement, which no parameter limit applies to."""
    if dialect == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(Integer)))
    return column.in_(bindparam(name, expanding=True, literal_execute=True))


def contains_folded(column, needle: str):
    """Case-insensitive substring test with %, _ and backslash taken literally."""
    return fold(column).contains(fold_text(needle), autoescape=True)


def dialect_name() -> str:
    from moviesx.extensions import db

    return db.engine.dialect.name


@event.listens_for(Engine, "connect")
def _register_sqlite_functions(dbapi_connection, connection_record) -> None:
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        dbapi_connection.create_function(
            "py_fold", 1, lambda value: fold_text(value) if isinstance(value, str) else value, deterministic=True
        )
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
