"""The catalogue side of the 6.7 pipeline held in memory, once per process per catalogue token.

What the pipeline reads from the catalogue (live movies with their release dates and popularity, and the live
platforms, genres, awards and persons attached to them) is the same for every user and changes only with a
catalogue write, which replaces the catalogue token (`feed.tokens`). A computed feed used to ask PostgreSQL for all
of it on every request (about 30 ms for a MovieLens user with friends and platforms); here it is built once per
token and the request reads only the caller's own rows (`UserFacts`, one query), then filters, boosts and orders in
memory: the same rules as the SQL of `feed.recommendations`, which still runs whenever there is no snapshot.

The token is read before the database, as for the feed cache: a snapshot built from rows older than a catalogue
commit carries a token that the commit has replaced, so it is never used again. While the cache cannot be trusted
(API.md 21: invalidations may have been missed) there is no snapshot.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from flask import current_app
from sqlalchemy import Select, literal, select, union, union_all

from moviesx.extensions import cache, db
from moviesx.models import (
    INCLUDE_DELETED,
    Award,
    Genre,
    Movie,
    Person,
    Platform,
    Rating,
    UnseenMark,
    movie_actors,
    movie_awards,
    movie_directors,
    movie_genres,
    movie_platforms,
    user_platforms,
)
from moviesx.services.feed.tokens import CATALOG_TOKEN_KEY, cache_failed, new_token, trusted

_HOLDER = "moviesx.catalog_snapshot"
_RATED, _UNSEEN, _PLATFORM, _FRIEND_LIKED = 1, 2, 3, 4


@dataclass(frozen=True)
class CatalogSnapshot:
    """Live movies (ascending id) and what the pipeline needs of each, as of one catalogue token."""

    token: str
    ids: np.ndarray
    released: tuple[date, ...]
    released_ordinals: np.ndarray
    popularity: np.ndarray
    awarded: np.ndarray  # bool: at least one live award
    platforms: tuple[frozenset[int], ...]  # live platforms of each movie
    genres: tuple[frozenset[int], ...]  # live genres
    credited: tuple[frozenset[int], ...]  # live persons credited as actor or director
    live_platforms: frozenset[int]
    index: dict[int, int] = field(repr=False)  # movie id -> position

    @property
    def padding_order(self) -> np.ndarray:
        """Positions by release date descending, then id descending."""
        return np.lexsort((-self.ids, -self.released_ordinals))


@dataclass(frozen=True)
class UserFacts:
    """The caller's own rows that the pipeline reads: ratings, unseen marks, platforms, movies friends liked."""

    ratings: dict[int, int]
    unseen: frozenset[int]
    platforms: frozenset[int]
    friend_liked: frozenset[int]


@dataclass
class _Holder:
    snapshot: CatalogSnapshot | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)


def current_snapshot() -> CatalogSnapshot | None:
    """This process's snapshot for the current catalogue token (built when the token changed); None when the cache
    cannot be trusted or reached."""
    if not trusted():
        return None
    try:
        token = cache.get(CATALOG_TOKEN_KEY) or new_token(CATALOG_TOKEN_KEY)
    except Exception as exc:  # noqa: BLE001 - the pipeline runs its SQL instead
        cache_failed(exc)
        return None
    if not token:
        return None
    extensions = current_app.extensions
    holder = extensions.get(_HOLDER) or extensions.setdefault(_HOLDER, _Holder())
    snapshot = holder.snapshot
    if snapshot is not None and snapshot.token == token:
        return snapshot
    with holder.lock:  # one build per process, not one per waiting thread
        if holder.snapshot is None or holder.snapshot.token != token:
            holder.snapshot = _build(token)
        return holder.snapshot


def _build(token: str) -> CatalogSnapshot:
    options = {INCLUDE_DELETED: True}  # every query states liveness itself
    movies = db.session.execute(
        select(Movie.id, Movie.release_date, Movie.popularity).where(Movie.deleted_at.is_(None)).order_by(Movie.id),
        execution_options=options,
    ).all()
    ids = [row.id for row in movies]
    index = {movie_id: position for position, movie_id in enumerate(ids)}

    def per_movie(statement: Select) -> tuple[frozenset[int], ...]:
        found: dict[int, set[int]] = defaultdict(set)
        for movie_id, other_id in db.session.execute(statement, execution_options=options):
            found[movie_id].add(other_id)
        return tuple(frozenset(found.get(movie_id, ())) for movie_id in ids)

    credits = union(
        select(movie_actors.c.movie_id, movie_actors.c.person_id),
        select(movie_directors.c.movie_id, movie_directors.c.person_id),
    ).subquery()
    awarded = per_movie(
        select(movie_awards.c.movie_id, movie_awards.c.award_id)
        .join(Award, Award.id == movie_awards.c.award_id)
        .where(Award.deleted_at.is_(None))
    )
    return CatalogSnapshot(
        token=token,
        ids=np.asarray(ids, dtype=np.int64),
        released=tuple(row.release_date for row in movies),
        released_ordinals=np.fromiter((row.release_date.toordinal() for row in movies), dtype=np.int64, count=len(ids)),
        popularity=np.asarray([row.popularity for row in movies], dtype=np.float64),
        awarded=np.fromiter((bool(awards) for awards in awarded), dtype=bool, count=len(ids)),
        platforms=per_movie(
            select(movie_platforms.c.movie_id, movie_platforms.c.platform_id)
            .join(Platform, Platform.id == movie_platforms.c.platform_id)
            .where(Platform.deleted_at.is_(None))
        ),
        genres=per_movie(
            select(movie_genres.c.movie_id, movie_genres.c.genre_id)
            .join(Genre, Genre.id == movie_genres.c.genre_id)
            .where(Genre.deleted_at.is_(None))
        ),
        credited=per_movie(
            select(credits.c.movie_id, credits.c.person_id)
            .join(Person, Person.id == credits.c.person_id)
            .where(Person.deleted_at.is_(None))
        ),
        live_platforms=frozenset(
            db.session.scalars(select(Platform.id).where(Platform.deleted_at.is_(None)), execution_options=options)
        ),
        index=index,
    )


def user_facts(user_id: int, boosting_friends: Select | None, *, liked_at_least: int) -> UserFacts:
    """The caller's ratings, unseen marks and platforms, and the movies that `boosting_friends` (a SELECT of user ids,
    or None) rated `liked_at_least` or more: one round trip."""
    parts = [
        select(literal(_RATED).label("kind"), Rating.movie_id.label("item"), Rating.rating.label("value")).where(
            Rating.user_id == user_id
        ),
        select(literal(_UNSEEN), UnseenMark.movie_id, literal(0)).where(UnseenMark.user_id == user_id),
        select(literal(_PLATFORM), user_platforms.c.platform_id, literal(0)).where(user_platforms.c.user_id == user_id),
    ]
    if boosting_friends is not None:
        parts.append(
            select(literal(_FRIEND_LIKED), Rating.movie_id, literal(0))
            .where(Rating.rating >= liked_at_least, Rating.user_id.in_(boosting_friends))
            .distinct()
        )
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for kind, item, value in db.session.execute(union_all(*parts)):
        found[kind][item] = value
    return UserFacts(
        ratings=found[_RATED],
        unseen=frozenset(found[_UNSEEN]),
        platforms=frozenset(found[_PLATFORM]),
        friend_liked=frozenset(found[_FRIEND_LIKED]),
    )


@dataclass(frozen=True)
class InMemoryCandidates:
    """The rows the pipeline's SQL would return, computed from a snapshot and the caller's facts."""

    snapshot: CatalogSnapshot
    facts: UserFacts
    celebrity_ids: frozenset[int]

    def exclusion_count(self, today: date) -> int:
        """|E|: live movies the user rated or marked unseen, or released after today."""
        snapshot, facts = self.snapshot, self.facts
        excluded = snapshot.released_ordinals > today.toordinal()
        chosen = [snapshot.index[m] for m in (*facts.ratings, *facts.unseen) if m in snapshot.index]
        excluded[chosen] = True
        return int(excluded.sum())

    def allowed(self, today: date, genre_ids: tuple[int, ...] | None) -> np.ndarray:
        """Mask of live movies released by today, not rated or marked unseen, on an allowed platform, in G."""
        snapshot, facts = self.snapshot, self.facts
        mask = snapshot.released_ordinals <= today.toordinal()
        excluded = [snapshot.index[m] for m in (*facts.ratings, *facts.unseen) if m in snapshot.index]
        mask[excluded] = False
        own = facts.platforms & snapshot.live_platforms
        if own:
            mask &= _each(snapshot.platforms, lambda platforms: not platforms or not own.isdisjoint(platforms))
        if genre_ids is not None:
            wanted = frozenset(genre_ids)
            mask &= _each(snapshot.genres, lambda genres: not wanted.isdisjoint(genres))
        return mask

    def model_rows(self, ranking: Sequence[int], today: date, genre_ids: tuple[int, ...] | None) -> list[tuple]:
        """(id, celebrity, friend_like, award) of the ranked ids that are live and allowed."""
        allowed, index = self.allowed(today, genre_ids), self.snapshot.index
        positions = [index[movie_id] for movie_id in ranking if movie_id in index and allowed[index[movie_id]]]
        return list(zip(self._ids(positions), *self._boosts(positions), strict=True))

    def fallback_rows(self, today: date, genre_ids: tuple[int, ...] | None, *, liked_at_least: int) -> list[tuple]:
        """(id, popularity, release date, celebrity, friend_like, award) of every allowed movie sharing a genre with
        the user's live movies rated `liked_at_least` or more (every allowed movie when there is none)."""
        snapshot = self.snapshot
        mask = self.allowed(today, genre_ids)
        liked = [snapshot.index[m] for m, stars in self.facts.ratings.items() if stars >= liked_at_least and m in snapshot.index]
        if liked:
            liked_genres = frozenset().union(*(snapshot.genres[position] for position in liked))
            mask &= _each(snapshot.genres, lambda genres: not liked_genres.isdisjoint(genres))
        positions = np.flatnonzero(mask).tolist()
        popularity = snapshot.popularity[positions].tolist()
        released = [snapshot.released[position] for position in positions]
        return list(zip(self._ids(positions), popularity, released, *self._boosts(positions), strict=True))

    def padding(self, today: date, genre_ids: tuple[int, ...] | None, *, exclude: Iterable[int], count: int) -> list[int]:
        """The newest allowed movies not in `exclude`, at most `count`."""
        snapshot = self.snapshot
        mask = self.allowed(today, genre_ids)
        mask[[snapshot.index[m] for m in exclude if m in snapshot.index]] = False
        order = snapshot.padding_order
        return snapshot.ids[order[mask[order]][:count]].tolist()

    def _ids(self, positions: list[int]) -> list[int]:
        return self.snapshot.ids[positions].tolist()

    def _boosts(self, positions: list[int]) -> tuple[list[bool], list[bool], list[bool]]:
        snapshot, facts, celebrities = self.snapshot, self.facts, self.celebrity_ids
        ids = self._ids(positions)
        celebrity = [not celebrities.isdisjoint(snapshot.credited[p]) for p in positions] if celebrities else [False] * len(ids)
        friend_like = [movie_id in facts.friend_liked for movie_id in ids]
        return celebrity, friend_like, snapshot.awarded[positions].tolist()


def _each(values: tuple[frozenset[int], ...], test) -> np.ndarray:
    return np.fromiter((test(value) for value in values), dtype=bool, count=len(values))
