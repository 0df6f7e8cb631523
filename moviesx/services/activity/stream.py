"""One page of friends' activity (API.md 16): one merging statement, then the page's objects in batches.

Each chosen kind contributes its newest `limit + 1` items after the cursor (a subquery its indexes answer: the
owner is one of the viewer's current active friends, the position is before the cursor's); one UNION ALL of
those orders them by (time, kind, numbers) descending, the order of (created_at, id) with ids compared by code
point. Users, movies, reviews and lists of the page are then loaded with one query per table (plus the movies'
and users' fixed relations), so a page costs the same queries whatever its limit and the number of friends.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    and_,
    bindparam,
    cast,
    literal_column,
    null,
    or_,
    select,
    union_all,
)

from moviesx.extensions import db
from moviesx.models import INCLUDE_DELETED, Movie, MovieList, Review, User
from moviesx.models.sql import among, dialect_name
from moviesx.schemas.catalog.items import movie_load_options
from moviesx.services.activity.cursor import Position, activity_id, decode, encode
from moviesx.services.activity.kinds import KEY_COUNTS, KINDS, Kind, chosen
from moviesx.services.social.friends import friend_ids, seen_by

VALUES = ("movie_id", "rating", "review_id", "list_id", "friend_id")
KEYS = 2  # id numbers per row (a kind with one pads the second with 0)


@dataclass
class Activity:
    """One item of the stream, with its objects loaded (schemas.activity.ActivitySchema dumps it)."""

    id: str
    kind: str
    user: User
    movie: Movie | None
    rating: int | None
    review: Review | None
    list: MovieList | None
    friend: User | None
    created_at: datetime


def activity_page(viewer: User, *, kinds: list[str], cursor: str | None, limit: int) -> dict:
    """`{"results": [Activity], "next_cursor": str | None}`: the `limit` items after `cursor`, newest first."""
    after = decode(cursor, KEY_COUNTS) if cursor is not None else None
    friends = list(db.session.scalars(friend_ids(viewer.id)))
    if not friends:
        return {"results": [], "next_cursor": None}
    statement = merged(tuple(kind.name for kind in chosen(kinds)), after.kind if after else None, dialect_name())
    rows = db.session.execute(statement, parameters(viewer.id, friends, after, limit + 1)).all()
    page = rows[:limit]
    last = page[-1] if page else None
    next_cursor = encode(_position(last)) if len(rows) > limit and last is not None else None
    return {"results": _activities(viewer, friends, page), "next_cursor": next_cursor}


def parameters(viewer_id: int, friends: list[int], after: Position | None, limit: int) -> dict:
    """The values of a `merged` statement's parameters."""
    values = {"viewer_id": viewer_id, "friends": friends, "limit": limit}
    if after is not None:
        numbers = (*after.numbers, 0)[:KEYS]
        values.update(after_at=after.at, **{f"after_n{index}": number for index, number in enumerate(numbers, 1)})
    return values


@cache
def merged(kind_names: tuple[str, ...], after_kind: str | None, dialect: str) -> Select:
    """The page's rows: (at, rank, n1, n2, user_id, *VALUES), newest first, for `parameters(...)`.

    Its shape depends only on the kinds, the cursor's kind and the database, so each shape is built once per
    process. The friends' ids are one array (models.sql.among): the planner knows how many there are and tests
    each row against a hashed array, so it walks a kind's (time, numbers) index newest first and stops after
    `limit` rows.
    """
    limit = bindparam("limit", type_=Integer)
    branches = [select(_branch(KINDS[name], after_kind, dialect, limit).subquery()) for name in kind_names]
    stream = (branches[0] if len(branches) == 1 else union_all(*branches)).subquery("activity")
    order = [stream.c.at.desc(), stream.c.rank.desc(), stream.c.n1.desc(), stream.c.n2.desc()]
    return select(stream).order_by(*order).limit(limit).execution_options(**{INCLUDE_DELETED: True})


def _branch(kind: Kind, after_kind: str | None, dialect: str, limit: BindParameter) -> Select:
    keys = [*kind.keys, *[literal_column("0", Integer)] * (KEYS - len(kind.keys))]
    columns = [
        kind.at.label("at"),
        literal_column(str(kind.rank), Integer).label("rank"),
        *(key.label(f"n{index}") for index, key in enumerate(keys, 1)),
        kind.owner.label("user_id"),
        *(kind.values.get(name, cast(null(), Integer)).label(name) for name in VALUES),
    ]
    stmt = select(*columns).select_from(kind.table)
    for target, onclause in kind.joins:
        stmt = stmt.join(target, onclause)
    stmt = stmt.where(among(kind.owner, "friends", dialect), *kind.criteria(bindparam("viewer_id", type_=Integer)))
    if after_kind is not None:
        stmt = stmt.where(_before(kind, KINDS[after_kind].rank))
    return stmt.order_by(kind.at.desc(), *(key.desc() for key in kind.keys)).limit(limit)


def _before(kind: Kind, cursor_rank: int) -> ColumnElement[bool]:
    """Strictly after the cursor in the stream's order, written so that the kind's (time, numbers) index answers it."""
    at = bindparam("after_at", type_=kind.at.type)
    if kind.rank > cursor_rank:
        return kind.at < at
    if kind.rank < cursor_rank:
        return kind.at <= at
    numbers = [bindparam(f"after_n{index}", type_=Integer) for index in range(1, len(kind.keys) + 1)]
    return and_(kind.at <= at, or_(kind.at < at, _tuple_below(kind.keys, numbers)))


def _tuple_below(keys: tuple[ColumnElement, ...], numbers: list[BindParameter]) -> ColumnElement[bool]:
    """(keys) < (numbers) lexicographically."""
    first, *rest = keys
    if not rest:
        return first < numbers[0]
    return or_(first < numbers[0], and_(first == numbers[0], _tuple_below(tuple(rest), numbers[1:])))


def _position(row) -> Position:
    kind = _kind_of(row)
    return Position(row.at, kind.name, _numbers(kind, row))


def _kind_of(row) -> Kind:
    return list(KINDS.values())[row.rank]


def _numbers(kind: Kind, row) -> tuple[int, ...]:
    return (row.n1, row.n2)[: len(kind.keys)]


def _activities(viewer: User, friends: list[int], rows: list) -> list[Activity]:
    """The rows as Activities, their objects loaded in batches; an object deleted since the merge drops its item.
    Every owner is one of `friends`, the viewer's friends read by this request."""
    owners = _by_id(User, {row.user_id for row in rows} | {row.friend_id for row in rows if row.friend_id})
    seen_by(viewer.id, [owners[row.user_id] for row in rows if row.user_id in owners], friends=friends)
    movies = _by_id(Movie, {row.movie_id for row in rows if row.movie_id}, *movie_load_options())
    # A review's user and movie are the item's, loaded just above: its many-to-one relations resolve from the session.
    reviews = _by_id(Review, {row.review_id for row in rows if row.review_id})
    lists = _by_id(MovieList, {row.list_id for row in rows if row.list_id})
    activities = []
    for row in rows:
        kind = _kind_of(row)
        objects = (
            owners.get(row.user_id),
            movies.get(row.movie_id) if row.movie_id else None,
            reviews.get(row.review_id) if row.review_id else None,
            lists.get(row.list_id) if row.list_id else None,
            owners.get(row.friend_id) if row.friend_id else None,
        )
        named = (True, row.movie_id, row.review_id, row.list_id, row.friend_id)
        if any(wanted and found is None for wanted, found in zip(named, objects, strict=True)):
            continue
        user, movie, review, movie_list, friend = objects
        identifier = activity_id(kind.name, _numbers(kind, row))
        activities.append(Activity(identifier, kind.name, user, movie, row.rating, review, movie_list, friend, row.at))
    return activities


def _by_id(model: type, ids: set[int], *options) -> dict[int, object]:
    if not ids:
        return {}
    return {obj.id: obj for obj in db.session.scalars(select(model).where(model.id.in_(ids)).options(*options))}
