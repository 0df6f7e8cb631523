"""The watchlist: movies a user wants to see (API.md 14). The feed leaves them out (services.feed.recommendations)."""

from __future__ import annotations

from sqlalchemy import Select, delete, exists, select
from sqlalchemy.orm import selectinload

from moviesx.extensions import db
from moviesx.http.errors import error
from moviesx.models import Movie, Platform, User, WatchlistEntry, movie_platforms, user_platforms
from moviesx.schemas.catalog.items import movie_load_options
from moviesx.services.transactions import commit_or

ALREADY_IN = "Movie already in your watchlist"
NOT_IN = "Movie not in your watchlist"


def add(user: User, movie: Movie) -> WatchlistEntry:
    """One entry per (user, movie); a concurrent duplicate loses on the unique constraint with the same 400."""
    if db.session.scalar(select(exists().where(WatchlistEntry.user_id == user.id, WatchlistEntry.movie_id == movie.id))):
        raise error(400, ALREADY_IN)
    entry = WatchlistEntry(user_id=user.id, movie_id=movie.id)
    db.session.add(entry)
    commit_or(error(400, ALREADY_IN))
    return db.session.scalars(select(WatchlistEntry).where(WatchlistEntry.id == entry.id).options(*entry_load_options())).one()


def remove(user: User, movie: Movie) -> None:
    deleted = db.session.execute(
        delete(WatchlistEntry)
        .where(WatchlistEntry.user_id == user.id, WatchlistEntry.movie_id == movie.id)
        .execution_options(synchronize_session=False, feed_users=(user.id,))
    ).rowcount
    if not deleted:
        db.session.rollback()
        raise error(400, NOT_IN)
    db.session.commit()


def entry_load_options() -> list:
    """Everything a WatchlistEntry dump touches, in a constant number of queries."""
    return [selectinload(WatchlistEntry.movie).options(*movie_load_options())]


def entries_of(owner: User, viewer: User, *, available: bool = False) -> Select:
    """`owner`'s entries on live movies (unordered: the cursor orders them). With `available`, only movies on at
    least one of `viewer`'s live platforms, so nothing when `viewer` has none."""
    statement = (
        select(WatchlistEntry)
        .join(Movie, Movie.id == WatchlistEntry.movie_id)
        .where(WatchlistEntry.user_id == owner.id, Movie.deleted_at.is_(None))
        .options(*entry_load_options())
    )
    if available:
        statement = statement.where(on_platforms_of(viewer.id))
    return statement


def on_platforms_of(user_id: int):
    """SQL criterion on WatchlistEntry: its movie is on one of the user's live platforms."""
    return exists(
        select(movie_platforms.c.movie_id)
        .join(user_platforms, user_platforms.c.platform_id == movie_platforms.c.platform_id)
        .join(Platform, Platform.id == movie_platforms.c.platform_id)
        .where(
            movie_platforms.c.movie_id == WatchlistEntry.movie_id,
            user_platforms.c.user_id == user_id,
            Platform.deleted_at.is_(None),
        )
    )
