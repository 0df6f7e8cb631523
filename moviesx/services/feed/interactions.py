"""The positive interactions the model learns from (API.md 10.5, 22): ratings of 3 stars or more, and watchlist
entries of movies the user has not rated, which weigh as a 3-star rating. Training reads everyone's; fold-in reads
one user's. Only active users and live movies count."""

from __future__ import annotations

from itertools import chain

import numpy as np
from sqlalchemy import SmallInteger, exists, literal, select, union_all

from moviesx.extensions import db
from moviesx.models import Movie, Rating, User, WatchlistEntry
from moviesx.services.feed.extraction import Triples, stream_triples

POSITIVE_FROM = 3  # 1-2 stars carry no positive signal
WATCHLIST_STARS = 3  # a watchlist entry of an unrated movie weighs as a 3-star rating


def _unrated_watchlist():
    """Active users' watchlist entries of live movies they have not rated (any stars: a rating says more)."""
    rated = exists().where(Rating.user_id == WatchlistEntry.user_id, Rating.movie_id == WatchlistEntry.movie_id)
    return (
        select(WatchlistEntry.user_id, WatchlistEntry.movie_id)
        .join(User, User.id == WatchlistEntry.user_id)
        .join(Movie, Movie.id == WatchlistEntry.movie_id)
        .where(User.is_active.is_(True), Movie.deleted_at.is_(None), ~rated)
    )


def watchlist_positives() -> Triples:
    """(user ids, movie ids, stars) of every active user's unrated watchlist entries, for training: streamed like the
    ratings (moviesx.services.feed.extraction), no Python row per entry."""
    return stream_triples(_unrated_watchlist().add_columns(literal(WATCHLIST_STARS, SmallInteger)))


def _positive_selects(user_id: int) -> list:
    """The SELECTs of one user's current positives as (movie id, stars; 0 for a watchlist entry), for a UNION ALL.

    Read from the database, not from a User object that may be stale: an inactive or deleted user has none."""
    ratings = (
        select(Rating.movie_id, Rating.rating)
        .join(User, User.id == Rating.user_id)
        .join(Movie, Movie.id == Rating.movie_id)
        .where(Rating.user_id == user_id, User.is_active.is_(True), Rating.rating >= POSITIVE_FROM, Movie.deleted_at.is_(None))
    )
    listed = (
        _unrated_watchlist()
        .where(WatchlistEntry.user_id == user_id)
        .with_only_columns(WatchlistEntry.movie_id, literal(0, SmallInteger))
    )
    return [ratings, listed]


def user_positives(user_id: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(movie ids, stars, rated) of one user's current positives, by movie id; `rated` is False for watchlist entries."""
    rows = db.session.execute(union_all(*_positive_selects(user_id))).all()
    # The values, not the rows: numpy would probe each Row for array attributes (a KeyError inside SQLAlchemy each).
    return positives(np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=2 * len(rows)).reshape(-1, 2))


def positives(data: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """`user_positives()` from (movie id, stars; 0 for a watchlist entry) rows: the SQL path's, or the catalogue
    snapshot's user rows (`catalog_snapshot.user_rows()`)."""
    data = data[np.argsort(data[:, 0], kind="stable")]
    rated = data[:, 1] > 0
    return data[:, 0], np.where(rated, data[:, 1], WATCHLIST_STARS), rated
