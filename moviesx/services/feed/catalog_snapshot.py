"""The catalogue as the recommendation pipeline reads it, held once per process while the catalogue token stands.

The model path of the pipeline (`recommendations`) filters and scores up to 1,000 candidates: live, released, on an
allowed platform, in G, not excluded by the user, boosted by a live award or a friend's like. The catalogue part of
that (live movies, their release dates, their live platforms, genres and awards) is the same for every user, so this
process keeps it as arrays, stamped with the catalogue token it was read under. The token is read before the
database, like the stamps of the feed cache (`feed.cache`): every catalogue write replaces it after its commit, so a
snapshot read before that commit carries a token that is no longer current and is read again. With the snapshot a
ranking needs one query of the user's own rows; numpy does the filtering and the boosts.

Without a trusted catalogue token (cache off, unreachable, lost, or holding none) there is no snapshot: the
pipeline runs its SQL instead.
"""

from __future__ import annotations

import functools
import threading
from dataclasses import dataclass
from datetime import date
from itertools import chain

import numpy as np
from flask import current_app
from sqlalchemy import SmallInteger, bindparam, literal, select, union_all

from moviesx.extensions import cache, db
from moviesx.models import (
    INCLUDE_DELETED,
    Award,
    Genre,
    Movie,
    Platform,
    Rating,
    UnseenMark,
    User,
    WatchlistEntry,
    movie_awards,
    movie_genres,
    movie_platforms,
    user_platforms,
)
from moviesx.services.feed.friend_likes import friend_likes
from moviesx.services.feed.interactions import POSITIVE_FROM, positives
from moviesx.services.feed.tokens import CATALOG_TOKEN_KEY, cache_failed, catalog_copies_usable, note_read, read_in_request
from moviesx.services.transactions import autocommit

LIVENESS_STATED = {INCLUDE_DELETED: True}  # every query states the liveness it needs
RATED, UNSEEN, WATCHLISTED, PLATFORM, FRIEND_LIKED, ACTIVE = range(6)  # the kinds of the user's rows


@dataclass(frozen=True)
class Snapshot:
    token: str
    movie_ids: np.ndarray  # live movies, ascending
    released: np.ndarray  # their release dates as ordinals
    platform_movies: np.ndarray  # (platform id, movie id) of live platforms, one row each
    genre_movies: np.ndarray  # (genre id, movie id) of live genres
    awarded: np.ndarray  # ids of movies with a live award, ascending

    def live(self, movie_ids: np.ndarray) -> np.ndarray:
        positions = np.searchsorted(self.movie_ids, movie_ids)
        found = positions < len(self.movie_ids)
        found[found] = self.movie_ids[positions[found]] == movie_ids[found]
        return found

    def released_by(self, movie_ids: np.ndarray, day: date) -> np.ndarray:
        """Of live `movie_ids`: released on or before `day`."""
        return self.released[np.searchsorted(self.movie_ids, movie_ids)] <= day.toordinal()


@dataclass(frozen=True)
class UserRows:
    """The user's own rows the pipeline filters and boosts with, each an array of ids."""

    excluded: np.ndarray  # movies rated, marked unseen or (feed) watchlisted
    platforms: np.ndarray  # the user's live platforms
    friend_liked: np.ndarray  # movies the boosting friends rated 4 or more
    positives: tuple[np.ndarray, np.ndarray, np.ndarray]  # as interactions.user_positives() returns them


def current() -> Snapshot | None:
    """This process's snapshot under the current catalogue token, or None (no trusted token: compute by SQL). The
    token is the one this request read already, or is read now; either way before the snapshot's rows are read."""
    if not catalog_copies_usable():
        return None
    token = read_in_request(CATALOG_TOKEN_KEY)  # the authentication ladder reads it with the caller's facts
    if token is None:
        try:
            token = cache.get(CATALOG_TOKEN_KEY)
        except Exception as exc:  # noqa: BLE001 - the pipeline runs its SQL instead
            cache_failed(exc)
            return None
        if token is None:
            return None
        note_read({CATALOG_TOKEN_KEY: token})  # read before every later query of this request
    return current_app.extensions.setdefault("moviesx.catalog_snapshot", _Holder()).of(token)


class _Holder:
    """The snapshot of the token seen last. Threads that find it outdated at once each read one; whichever is stored
    last, each is right for the token it carries, and a request under another token reads it again."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.snapshot: Snapshot | None = None

    def of(self, token: str) -> Snapshot:
        snapshot = self.snapshot
        if snapshot is None or snapshot.token != token:
            snapshot = _read(token)
            with self.lock:
                self.snapshot = snapshot
        return snapshot


def _read(token: str) -> Snapshot:
    def pairs(statement) -> np.ndarray:
        return _columns(db.session.execute(statement, execution_options=LIVENESS_STATED).all())

    movies = db.session.execute(
        select(Movie.id, Movie.release_date).where(Movie.deleted_at.is_(None)).order_by(Movie.id),
        execution_options=LIVENESS_STATED,
    ).all()
    awarded = db.session.scalars(
        select(movie_awards.c.movie_id).join(Award, Award.id == movie_awards.c.award_id).where(Award.deleted_at.is_(None)),
        execution_options=LIVENESS_STATED,
    ).all()
    return Snapshot(
        token=token,
        movie_ids=np.array([row[0] for row in movies], dtype=np.int64),
        released=np.array([row[1].toordinal() for row in movies], dtype=np.int64),
        platform_movies=pairs(
            select(movie_platforms.c.platform_id, movie_platforms.c.movie_id)
            .join(Platform, Platform.id == movie_platforms.c.platform_id)
            .where(Platform.deleted_at.is_(None))
        ),
        genre_movies=pairs(
            select(movie_genres.c.genre_id, movie_genres.c.movie_id)
            .join(Genre, Genre.id == movie_genres.c.genre_id)
            .where(Genre.deleted_at.is_(None))
        ),
        awarded=np.unique(np.array(awarded, dtype=np.int64)),
    )


def user_rows(snapshot: Snapshot, user_id: int, *, watchlist_excluded: bool, friend_ids: tuple[int, ...] | None) -> UserRows:
    """The user's exclusions, live platforms, boosting friends' likes and positives for the fold-in, in one query;
    `friend_ids` as for `friend_likes()` (None: every active friend boosts).

    The positives are those of `interactions.user_positives()`, taken from the same rows: the user's ratings of 3
    stars or more and their watchlist entries of movies they have not rated, on movies live in `snapshot`, when the
    user is active (one more row says so)."""
    boosting = "all" if friend_ids is None else "some" if friend_ids else "none"
    statement = _user_rows_statement(db.engine.dialect.name, boosting)
    parameters = {"user_id": user_id} | ({"friend_ids": list(friend_ids)} if boosting == "some" else {})
    with autocommit():  # one statement: no BEGIN and ROLLBACK round trips, and the driver may prepare it
        data = _columns(db.session.execute(statement, parameters, execution_options=LIVENESS_STATED).all(), 3)
    kinds, ids = data[:, 0], data[:, 1]
    rated, watchlisted = data[kinds == RATED, 1:], ids[kinds == WATCHLISTED]
    excluded = [rated[:, 0], ids[kinds == UNSEEN]] + ([watchlisted] if watchlist_excluded else [])
    return UserRows(
        excluded=np.unique(np.concatenate(excluded)),
        platforms=np.unique(ids[kinds == PLATFORM]),
        friend_liked=np.unique(ids[kinds == FRIEND_LIKED]),
        positives=_positives(snapshot, rated, watchlisted, active=bool(np.any(kinds == ACTIVE))),
    )


def _positives(snapshot: Snapshot, rated: np.ndarray, watchlisted: np.ndarray, *, active: bool):
    """`interactions.positives()` of the (movie id, stars) of the user's ratings and their watchlisted movie ids."""
    if not active:
        rated, watchlisted = rated[:0], watchlisted[:0]
    liked = rated[(rated[:, 1] >= POSITIVE_FROM) & snapshot.live(rated[:, 0])]
    listed = watchlisted[snapshot.live(watchlisted) & ~np.isin(watchlisted, rated[:, 0])]
    return positives(np.concatenate([liked, np.column_stack([listed, np.zeros_like(listed)])]))


@functools.lru_cache(maxsize=32)
def _user_rows_statement(dialect: str, boosting: str):
    """`user_rows()`'s UNION ALL with the user (and the boosting friends' ids) as bound parameters: built once per
    shape (and dialect, which `friend_likes()` depends on), not per request."""
    user_id = bindparam("user_id")
    friend_ids = None if boosting == "all" else bindparam("friend_ids", expanding=True) if boosting == "some" else ()
    likes = friend_likes(user_id, friend_ids)
    none = literal(0, SmallInteger)  # the third column holds the stars of ratings only
    parts = [
        select(literal(ACTIVE), User.id, none).where(User.id == user_id, User.is_active.is_(True)),
        select(literal(RATED), Rating.movie_id, Rating.rating).where(Rating.user_id == user_id),
        select(literal(UNSEEN), UnseenMark.movie_id, none).where(UnseenMark.user_id == user_id),
        select(literal(WATCHLISTED), WatchlistEntry.movie_id, none).where(WatchlistEntry.user_id == user_id),
        select(literal(PLATFORM), user_platforms.c.platform_id, none)
        .join(Platform, Platform.id == user_platforms.c.platform_id)
        .where(user_platforms.c.user_id == user_id, Platform.deleted_at.is_(None)),
    ]
    if likes is not None:
        parts.append(select(literal(FRIEND_LIKED), Rating.movie_id, none).where(*likes).distinct())
    return union_all(*parts)


def _columns(rows: list, width: int = 2) -> np.ndarray:
    """The integer columns of `rows` as one array (numpy reads the values, not the Row objects)."""
    return np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=width * len(rows)).reshape(-1, width)


def exclusion_count(snapshot: Snapshot, rows: UserRows, day: date) -> int:
    """|E|: live movies the user excluded (rated, unseen, feed: watchlisted) or released after `day`."""
    unreleased = int(np.count_nonzero(snapshot.released > day.toordinal()))
    excluded = rows.excluded[snapshot.live(rows.excluded)]
    return unreleased + int(np.count_nonzero(snapshot.released_by(excluded, day)))


def candidates(
    snapshot: Snapshot, rows: UserRows, ranking: np.ndarray, day: date, genre_ids: tuple[int, ...] | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(positions in `ranking` of the allowed candidates, friend-like flags, award flags), as the SQL path filters
    them: live, released, not excluded, on an allowed platform, in G."""
    keep = snapshot.live(ranking)
    keep[keep] = snapshot.released_by(ranking[keep], day)
    keep &= ~np.isin(ranking, rows.excluded)
    if len(rows.platforms):
        on_platform = snapshot.platform_movies[:, 1]
        mine = on_platform[np.isin(snapshot.platform_movies[:, 0], rows.platforms)]
        keep &= np.isin(ranking, mine) | ~np.isin(ranking, on_platform)
    if genre_ids is not None:
        in_genres = snapshot.genre_movies[np.isin(snapshot.genre_movies[:, 0], np.array(genre_ids, dtype=np.int64)), 1]
        keep &= np.isin(ranking, in_genres)
    positions = np.flatnonzero(keep)
    chosen = ranking[positions]
    return positions, np.isin(chosen, rows.friend_liked), np.isin(chosen, snapshot.awarded)
