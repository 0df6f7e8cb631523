"""The diary: dated watches, their derived `rewatch`, and what logging one changes (API.md 15)."""

from __future__ import annotations

from datetime import date

from flask import current_app
from sqlalchemy import ColumnElement, Select, and_, delete, exists, or_, select
from sqlalchemy.orm import aliased, joinedload, selectinload, with_expression

from moviesx.clock import today
from moviesx.extensions import db
from moviesx.models import Movie, Rating, UnseenMark, User, Watch, WatchlistEntry
from moviesx.schemas.catalog.items import movie_load_options
from moviesx.services.social.ratings import announce_rating, stage_rating
from moviesx.services.transactions import unique_or
from moviesx.signals import unseen_changed


class _RatingRaced(Exception):
    """A concurrent request created the caller's rating of the movie between this one's read and its commit."""


def rewatch_of(watch: type[Watch] = Watch) -> ColumnElement[bool]:
    """SQL: the same user has another watch of the same movie with an earlier `watched_on`, or the same day and a
    lower id. Correlated with the enclosing query's watch row, answered from the (user, movie, watched_on, id) index."""
    earlier = aliased(Watch)
    return exists().where(
        earlier.user_id == watch.user_id,
        earlier.movie_id == watch.movie_id,
        or_(earlier.watched_on < watch.watched_on, and_(earlier.watched_on == watch.watched_on, earlier.id < watch.id)),
    )


def watch_load_options() -> list:
    """Everything a Watch dump touches, `rewatch` included, in a constant number of queries."""
    return [
        with_expression(Watch.rewatch, rewatch_of()),
        joinedload(Watch.user),
        selectinload(Watch.movie).options(*movie_load_options()),
    ]


def in_year(year: int | None, watched_on=Watch.watched_on) -> list[ColumnElement[bool]]:
    """Criteria keeping one calendar year (a date range, so the (user, watched_on, id) index serves it)."""
    if year is None:
        return []
    return [watched_on >= date(year, 1, 1), watched_on <= date(year, 12, 31)]


def diary_of(owner: User, year: int | None = None) -> Select:
    """`owner`'s watches of live movies (unordered: the cursor orders them by watched_on, id, both descending)."""
    return (
        select(Watch)
        .join(Movie, Movie.id == Watch.movie_id)
        .where(Watch.user_id == owner.id, Movie.deleted_at.is_(None), *in_year(year))
        .options(*watch_load_options())
    )


def log_watch(user: User, movie: Movie, watched_on: date | None, rating: int | None, note: str) -> Watch:
    """Store a watch and, in the same transaction, set the rating as POST/PUT `ratings/` do, take the movie off the
    watchlist and remove the unseen mark. `watched_on` defaults to today (UTC)."""
    try:
        return _log(user, movie, watched_on or today(), rating, note)
    except _RatingRaced:
        # The concurrent request's rating is committed now: as one after the other, this one changes it.
        return _log(user, movie, watched_on or today(), rating, note)


def _log(user: User, movie: Movie, watched_on: date, rating: int | None, note: str) -> Watch:
    mine = {"synchronize_session": False, "feed_users": (user.id,)}
    with unique_or(_RatingRaced()):
        staged: Rating | None = stage_rating(user, movie, rating) if rating is not None else None
        db.session.flush()  # the rating first: a concurrent creation of it fails here, before any other write
        db.session.execute(
            delete(WatchlistEntry).where(WatchlistEntry.user_id == user.id, WatchlistEntry.movie_id == movie.id),
            execution_options=mine,
        )
        unmarked = db.session.execute(
            delete(UnseenMark).where(UnseenMark.user_id == user.id, UnseenMark.movie_id == movie.id),
            execution_options=mine,
        ).rowcount
        watch = Watch(user_id=user.id, movie_id=movie.id, watched_on=watched_on, rating=rating, note=note)
        db.session.add(watch)
        db.session.commit()
    if staged is not None:
        announce_rating(user.id)
    if unmarked:
        unseen_changed.send(current_app._get_current_object(), user_id=user.id)
    return db.session.scalars(
        select(Watch).where(Watch.id == watch.id).options(*watch_load_options()).execution_options(populate_existing=True)
    ).one()


def delete_watch(watch: Watch) -> None:
    """Hard delete; the rating it set stays."""
    db.session.delete(watch)
    db.session.commit()
