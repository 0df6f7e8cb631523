"""Bringing a Letterboxd or IMDb history in (API.md 19): read, match, then apply in one transaction.

Everything is resolved per movie before anything is written, against the caller's rows as they stand once this
import has its turn (two imports of one user run one after the other), so that importing the same file again
finds nothing to do: no rating, `updated_at`, activity time or retrain counter moves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import IO, Any

from flask import current_app
from sqlalchemy import delete, select, text

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.models import Rating, UnseenMark, User, Watch, WatchlistEntry
from moviesx.services.bulk import batches, insert_rows
from moviesx.services.portability.formats import DIARY, RATINGS, WATCHED, WATCHLIST, History, Row, read_history
from moviesx.services.portability.matching import match_rows
from moviesx.services.social.ratings import announce_ratings, stage_ratings
from moviesx.services.transactions import unique_or
from moviesx.signals import unseen_changed

MAX_UNMATCHED_LISTED = 100
ATTEMPTS = 3  # a rating created by a concurrent request of the caller fails the commit; the import then starts over


@dataclass
class Plan:
    """What an import writes, resolved per movie."""

    new_ratings: dict[int, int] = field(default_factory=dict)  # movie id -> value
    changed_ratings: dict[int, int] = field(default_factory=dict)  # rating id -> value
    watches: dict[tuple[int, date], int | None] = field(default_factory=dict)  # (movie id, watched_on) -> rating
    watchlist_added: list[int] = field(default_factory=list)
    watchlist_removed: set[int] = field(default_factory=set)
    unseen_removed: set[int] = field(default_factory=set)


class _Raced(Exception):
    """A concurrent request of the caller wrote a rating between this import's read and its commit."""


def import_history(user: User, upload: IO[bytes], filename: str) -> dict[str, Any]:
    """The whole import of an uploaded file: its report, or the contract's 400 with nothing written."""
    history = read_history(upload, filename)
    return apply(user, history, match_rows(history.rows))


def apply(user: User, history: History, movie_ids: Sequence[int | None]) -> dict[str, Any]:
    """Write what the matched rows say, in one transaction, and answer with the report."""
    for attempt in range(ATTEMPTS):
        try:
            with unique_or(_Raced()):
                _take_turn(user)
                plan = resolve(user, history.rows, movie_ids)
                _write(user, plan)
                db.session.commit()
            break
        except _Raced:
            if attempt == ATTEMPTS - 1:
                raise
    announce_ratings(user, len(plan.new_ratings) + len(plan.changed_ratings))
    if plan.unseen_removed and not (plan.new_ratings or plan.changed_ratings):
        unseen_changed.send(current_app._get_current_object(), user_id=user.id)  # (the ratings' event warms the feed too)
    return report(history, movie_ids, plan)


def _take_turn(user: User) -> None:
    """Wait for any other import of the user to commit, before reading what this one changes."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(select(User.id).where(User.id == user.id).with_for_update(key_share=True))
    else:  # SQLite has one writer at a time: become it (a no-op write) before reading
        db.session.execute(text("UPDATE users SET is_active = is_active WHERE id = :id"), {"id": user.id})


def resolve(user: User, rows: Sequence[Row], movie_ids: Sequence[int | None]) -> Plan:
    """Per movie, what the rows change for the user as their rows stand now."""
    ratings = {
        movie_id: (rating_id, value) for movie_id, rating_id, value in _of_user(user, Rating.movie_id, Rating.id, Rating.rating)
    }
    logged = set(_of_user(user, Watch.movie_id, Watch.watched_on))
    watchlist = {movie_id for (movie_id,) in _of_user(user, WatchlistEntry.movie_id)}
    unseen = {movie_id for (movie_id,) in _of_user(user, UnseenMark.movie_id)}

    plan = Plan()
    final: dict[int, int] = {}  # the last readable rating, diary then ratings, in file order
    watched: set[int] = set()
    wanted: dict[int, None] = {}
    for row, movie_id in zip(rows, movie_ids, strict=True):
        if movie_id is None:
            continue
        if row.kind == DIARY and row.watched_on is not None:
            if (movie_id, row.watched_on) in logged:
                continue  # a watch of that movie on that date exists already: the row has no effect at all
            plan.watches.setdefault((movie_id, row.watched_on), row.rating)
        if row.kind in (DIARY, RATINGS) and row.rating is not None:
            final[movie_id] = row.rating
        elif row.kind == WATCHED:
            watched.add(movie_id)
        elif row.kind == WATCHLIST:
            wanted[movie_id] = None

    for movie_id, value in final.items():
        if movie_id not in ratings:
            plan.new_ratings[movie_id] = value
        elif ratings[movie_id][1] != value:
            plan.changed_ratings[ratings[movie_id][0]] = value
    newly_logged = {movie_id for movie_id, _day in plan.watches}
    seen = ratings.keys() | final.keys() | {movie_id for movie_id, _day in logged} | newly_logged
    plan.watchlist_added = [movie_id for movie_id in wanted if movie_id not in watchlist and movie_id not in seen]
    plan.watchlist_removed = newly_logged & watchlist  # logging a watch takes the movie off the watchlist (API.md 14)
    plan.unseen_removed = (watched | newly_logged) & unseen
    return plan


def _of_user(user: User, *columns) -> list[tuple]:
    return list(db.session.execute(select(*columns).where(columns[0].class_.user_id == user.id)))


def _write(user: User, plan: Plan) -> None:
    now = utcnow()
    stage_ratings(user, plan.new_ratings, plan.changed_ratings)
    if plan.watches:
        rows = [
            {"user_id": user.id, "movie_id": movie_id, "watched_on": day, "rating": rating, "note": "", "created_at": now}
            for (movie_id, day), rating in plan.watches.items()
        ]
        insert_rows(Watch, rows, user.id)
    for model, movie_ids in ((WatchlistEntry, plan.watchlist_removed), (UnseenMark, plan.unseen_removed)):
        for batch in batches(sorted(movie_ids)):
            db.session.execute(
                delete(model)
                .where(model.user_id == user.id, model.movie_id.in_(batch))
                .execution_options(synchronize_session=False, feed_users=(user.id,))
            )
    if plan.watchlist_added:
        rows = [{"user_id": user.id, "movie_id": movie_id, "created_at": now} for movie_id in plan.watchlist_added]
        insert_rows(WatchlistEntry, rows, user.id)


def report(history: History, movie_ids: Sequence[int | None], plan: Plan) -> dict[str, Any]:
    unmatched: dict[tuple[str, int | None], None] = {}
    unmatched_count = 0
    for row, movie_id in zip(history.rows, movie_ids, strict=True):
        if movie_id is None:
            unmatched_count += 1
            if len(unmatched) < MAX_UNMATCHED_LISTED:
                unmatched.setdefault((row.title, row.year))
    return {
        "format": history.format,
        "rows": len(history.rows),
        "matched": len(history.rows) - unmatched_count,
        "ratings": {"created": len(plan.new_ratings), "updated": len(plan.changed_ratings)},
        "watches": len(plan.watches),
        "watchlist": len(plan.watchlist_added),
        "unmatched": [{"title": title, "year": year} for title, year in unmatched],
        "unmatched_count": unmatched_count,
    }
