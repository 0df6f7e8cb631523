"""Query-string fields and the pagination parameters (API.md 1.3, 3.2b, 3.3, 3.4).

A query value is never refused: one that does not count is ignored, a long one is cut, extra array values are
dropped. So the document states types and defaults, and the tolerances in words, never as schema limits
(`maxLength`, `minimum`, `maxItems`) that a client would read as grounds for a 400.

Each field reads its own value with the contract's rules (moviesx.http.params), so the project parser
(moviesx.http.parser) only asks the fields of a schema for their values, and the same fields document
the parameters in /api/schema/. A value that does not count (e.g. a non-digit `page`) is absent, so
the field's `load_default` applies; query parameters never fail validation.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from marshmallow import fields

from moviesx.http.params import arg_bool, arg_digits, arg_id, arg_list, arg_str
from moviesx.schemas.base import InputSchema

MAX_LIMIT = 100


class QueryField:
    """A field whose value is read from the query string by `read` (None: absent) and kept as read."""

    def read(self, key: str) -> Any:
        return arg_str(key)

    def _deserialize(self, value, attr, data, **kwargs):
        return value


class QueryText(QueryField, fields.String):
    """Any text, cut to 200 characters (a longer value is cut, not refused, so the document states no maxLength)."""


class QueryArray(QueryField, fields.List):
    """`x[]=a&x=b`: both spellings, in order, without blanks or repeats, the first 50 values (cut to 200).

    Declare it with `data_key="x[]"`: the document names the parameter as the contract does.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("load_default", list)
        super().__init__(fields.String(), **kwargs)

    def read(self, key: str) -> list[str]:
        return arg_list(key.removesuffix("[]"))


class QueryFlag(QueryField, fields.Boolean):
    """True only for `true` (any case); anything else or absence is false."""

    def __init__(self, **kwargs):
        kwargs.setdefault("load_default", False)
        super().__init__(**kwargs)

    def read(self, key: str) -> bool:
        return arg_bool(key)


class QueryDigits(QueryField, fields.Integer):
    """Counts only when all ASCII digits; otherwise absent."""

    def read(self, key: str) -> int | None:
        return arg_digits(key)


class QueryId(QueryDigits):
    """An id: digits up to 2^63 - 1; anything else is absent."""

    def read(self, key: str) -> int | None:
        return arg_id(key)


def _limit(default_limit: int) -> QueryDigits:
    return QueryDigits(
        load_default=default_limit,
        metadata={
            "description": f"Items per page: absent, non-digit or 0 means {default_limit}; "
            f"above {MAX_LIMIT} counts as {MAX_LIMIT}.",
        },
    )


@cache
def page_args(default_limit: int = 10) -> type[InputSchema]:
    """`page` and `limit` of a page envelope (PP); one class per default limit."""
    return type(
        f"PageArgs{default_limit}",
        (InputSchema,),
        {
            "page": QueryDigits(
                load_default=1,
                metadata={
                    "description": "Page number: absent, non-digit or 0 means 1; past the end gives the last page.",
                },
            ),
            "limit": _limit(default_limit),
        },
    )


@cache
def cursor_args(default_limit: int = 10) -> type[InputSchema]:
    """`last_id` and `limit` of a cursor envelope (CP); one class per default limit."""
    return type(
        f"CursorArgs{default_limit}",
        (InputSchema,),
        {
            "last_id": QueryId(
                metadata={
                    "description": "The `next_last_id` of the previous page: the items strictly after that one. "
                    "Absent (or not digits) for the first page.",
                }
            ),
            "limit": _limit(default_limit),
        },
    )
