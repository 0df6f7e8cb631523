"""Page (PP) and cursor (CP) envelopes (API.md 3.3, 3.4) with a constant number of queries.

Views declare them with `@page()` / `@cursor(order=...)` and return the rows; `page_envelope` and
`cursor_envelope` build the envelopes (views not yet converted call them directly).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from copy import deepcopy
from functools import wraps
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, false, func, or_, select

from moviesx.extensions import db
from moviesx.http.conditional import json_response, page_body
from moviesx.http.params import arg_digits, arg_id
from moviesx.models.base import INCLUDE_DELETED
from moviesx.schemas.query import MAX_LIMIT, cursor_args, page_args

Serializer = Callable[[Sequence[Any]], list]


def requested_limit(default: int) -> int:
    limit = arg_digits("limit")
    if not limit:
        return default
    return min(limit, MAX_LIMIT)


def count_of(stmt: Select) -> int:
    return db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def _page_window(count: int, default_limit: int) -> tuple[int, int, int]:
    """(limit, page, total_pages) for a set of `count` items; a page past the end is the last page."""
    limit = requested_limit(default_limit)
    total_pages = max(1, math.ceil(count / limit))
    return limit, min(arg_digits("page") or 1, total_pages), total_pages


def _page(results: list, count: int, page: int, total_pages: int) -> dict:
    return {
        "results": results,
        "count": count,
        "total_pages": total_pages,
        "current_page": page,
        "has_next": page < total_pages,
        "has_previous": page > 1,
    }


def page_envelope(stmt: Select, serialize: Serializer, *, default_limit: int = 10) -> dict:
    """`stmt` must already be ordered; eager-load options on it keep the query count constant."""
    count = count_of(stmt)
    limit, page, total_pages = _page_window(count, default_limit)
    rows = db.session.scalars(stmt.limit(limit).offset((page - 1) * limit)).unique().all() if count else []
    return _page(serialize(rows), count, page, total_pages)


def counted_page(stmt: Select, items: Callable[[list], list], *, default_limit: int = 10) -> dict:
    """The page envelope of an ordered statement of ids, whose `items(ids)` are the results: one query for the page
    and the total (a window count); a page past the end costs a count and the last page."""
    limit, page = requested_limit(default_limit), arg_digits("page") or 1
    rows = db.session.execute(stmt.add_columns(func.count().over()).limit(limit).offset((page - 1) * limit)).all()
    if rows:
        count = rows[0][1]
        total_pages = max(1, math.ceil(count / limit))
    else:
        count = count_of(stmt) if page > 1 else 0
        limit, page, total_pages = _page_window(count, default_limit)
        rows = db.session.execute(stmt.limit(limit).offset((page - 1) * limit)).all() if count else []
    return _page(items([row[0] for row in rows]), count, page, total_pages)


def plain_page(items: list, serialize: Serializer, *, default_limit: int = 10) -> dict:
    """The page envelope over an already computed, ordered list."""
    limit, page, total_pages = _page_window(len(items), default_limit)
    return _page(serialize(items[(page - 1) * limit : page * limit]), len(items), page, total_pages)


def cursor_envelope(
    stmt: Select,
    serialize: Serializer,
    *,
    order: Sequence[tuple[ColumnElement, bool]],
    default_limit: int = 10,
) -> dict:
    """Keyset pagination. `order` is [(column, descending)], ending with the id column.

    Without `last_id`: the first `limit` items. With it: the items strictly after that object in the
    order, using its sort values even if it has left the filtered set.
    """
    limit = requested_limit(default_limit)
    count = count_of(stmt)
    last_id = arg_id("last_id")
    ordered = stmt.order_by(*[column.desc() if desc else column.asc() for column, desc in order])
    if last_id is not None:
        ordered = ordered.where(_after(order, last_id))
    rows = db.session.scalars(ordered.limit(limit + 1)).unique().all() if count else []
    has_more = len(rows) > limit
    rows = rows[:limit]
    return {
        "results": serialize(rows),
        "next_last_id": rows[-1].id if has_more and rows else None,
        "count": count,
    }


def _after(order: Sequence[tuple[ColumnElement, bool]], last_id: int) -> ColumnElement:
    id_column, id_desc = order[-1]
    if len(order) == 1:
        return id_column < last_id if id_desc else id_column > last_id
    anchor = db.session.execute(
        select(*[column for column, _ in order]).where(id_column == last_id).execution_options(**{INCLUDE_DELETED: True})
    ).first()
    if anchor is None:
        return false()
    clauses = []
    for index, (column, desc) in enumerate(order):
        value = anchor[index]
        equal_before = [order[i][0] == anchor[i] for i in range(index)]
        beyond = column < value if desc else column > value
        if value is None:
            continue
        clauses.append(and_(*equal_before, beyond))
    return or_(*clauses)


def _declares_query(wrapper: Callable, schema: type) -> None:
    """Document the envelope's query parameters through flask-smorest's pagination doc hook."""
    wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
    wrapper._apidoc["pagination"] = {"parameters": {"in": "query", "schema": schema}, "response": {}}


SHARED_PAGE = "shared_page"  # execution option: the statement reads no data of the caller's, so callers share pages


def page(
    *,
    default_limit: int = 10,
    items: Callable[[list], list[bytes]] | None = None,
    shared: Callable[[Callable[[], bytes]], bytes] | None = None,
) -> Callable:
    """The view returns an ordered statement (or an ordered list); the response is its page envelope (PP).

    Place it under `@blp.response(200, page_of(ItemSchema))`, which dumps the rows of `results`. With `items`, the
    statement selects ids and `items(ids)` gives their bodies already serialised (JSON bytes, from a cache); then
    `shared(compute)`, when given, serves the whole page body of a statement marked SHARED_PAGE (from a cache).
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            rows = view(*args, **kwargs)
            if items is not None:

                def compute() -> bytes:
                    return page_body(counted_page(rows, items, default_limit=default_limit))

                is_shared = shared is not None and rows.get_execution_options().get(SHARED_PAGE)
                return json_response(shared(compute) if is_shared else compute())
            if isinstance(rows, Select):
                return page_envelope(rows, list, default_limit=default_limit)
            return plain_page(rows, list, default_limit=default_limit)

        _declares_query(wrapper, page_args(default_limit))
        return wrapper

    return decorator


Order = Sequence[tuple[ColumnElement, bool]]


def cursor(*, order: Order | Callable[[], Order], default_limit: int = 10) -> Callable:
    """The view returns an unordered statement; the response is its cursor envelope (CP) over `order`.

    `order` is [(column, descending)] ending with the id column, or a function returning it. Place it under
    `@blp.response(200, cursor_of(ItemSchema))`.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            keys = order() if callable(order) else order
            return cursor_envelope(view(*args, **kwargs), list, order=keys, default_limit=default_limit)

        _declares_query(wrapper, cursor_args(default_limit))
        return wrapper

    return decorator
