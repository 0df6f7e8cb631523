"""The recommendation pipeline shared by the home feed and intelligent lists (API.md 6.7).

`recommend()` runs a small constant number of SQL queries whatever the size of the catalogue. With the process's
catalogue snapshot (`catalog_snapshot`), one query of the user's own rows, which also holds the user's positives for
the fold-in (API.md 22), filtered and scored in numpy; without one (no trusted catalogue token, or celebrity boosts)
the positives, one count of the exclusions and one query that returns every candidate with its filters applied and its
boosts computed; the rating aggregate (fallback path only, shared and cached for 60 s) and, when needed, one padding
query. The home feed caches its answer per user (`services.feed`); this module computes it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
from sqlalchemy import BigInteger, and_, any_, bindparam, exists, false, func, literal, or_, select, union
from sqlalchemy.dialects import postgresql
from sqlalchemy.exc import InterfaceError, OperationalError

from moviesx.clock import today, utcnow
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
    User,
    WatchlistEntry,
    movie_actors,
    movie_awards,
    movie_directors,
    movie_genres,
    movie_platforms,
    user_platforms,
)
from moviesx.services.accounts.caller import CallerFacts
from moviesx.services.feed import catalog_snapshot
from moviesx.services.feed.foldin import FoldedUser, fold_in
from moviesx.services.feed.friend_likes import friend_likes
from moviesx.services.feed.interactions import user_positives
from moviesx.services.feed.recommender import CACHE_ERRORS, current_model
from moviesx.services.outages import outage

log = logging.getLogger("moviesx.recommendations")

FEED_SIZE = 20
BASE_SCORE = 1.0
CELEBRITY_BOOST = 3.0
FRIEND_BOOST = 2.5
AWARD_BOOST = 0.7
LIKED_AT_LEAST = 4
MODEL_CANDIDATES = 500
MAX_MODEL_CANDIDATES = 1000
SHRINKAGE = 10
AGGREGATE_KEY = "recs:rating-aggregate"
# The pipeline's queries state which movies, genres, platforms, awards and persons are live themselves (API.md 6.7
# names those rules), so the soft-delete hook's added criteria would only repeat them: without the repetition the
# candidate query is about 15 % faster on PostgreSQL (median 3.7 ms instead of 4.4 ms on MovieLens).
LIVENESS_STATED = {INCLUDE_DELETED: True}
AGGREGATE_LIFETIME = timedelta(seconds=60)


@dataclass(frozen=True)
class _Filters:
    """The per-call context every query of the pipeline shares."""

    user_id: int
    today: date
    genre_ids: tuple[int, ...] | None
    watchlist_excluded: bool = False  # the home feed's E also holds the user's watchlist (API.md 14)
    celebrity_ids: tuple[int, ...] = ()
    friend_ids: tuple[int, ...] | None = None  # None: every active friend boosts

    def live_and_allowed(self) -> list:
        """Live, released, not rated or marked unseen by the user, on an allowed platform, in G (lists)."""
        criteria = [
            Movie.deleted_at.is_(None),
            Movie.release_date <= self.today,
            ~Movie.id.in_(select(Rating.movie_id).where(Rating.user_id == self.user_id)),
            ~Movie.id.in_(select(UnseenMark.movie_id).where(UnseenMark.user_id == self.user_id)),
        ]
        criteria += [~watchlisted for watchlisted in self.watchlisted()]
        criteria.append(_platform_rule(self.user_id))
        if self.genre_ids is not None:
            criteria.append(_has_genre(self.genre_ids))
        return criteria

    def watchlisted(self) -> list:
        """IN criteria on Movie.id for E's watchlisted movies: the home feed only (intelligent lists keep them)."""
        if not self.watchlist_excluded:
            return []
        return [Movie.id.in_(select(WatchlistEntry.movie_id).where(WatchlistEntry.user_id == self.user_id))]


MODEL, POPULAR = "model", "popular"  # where the candidates came from (step 2)


@dataclass(frozen=True)
class Ranking:
    """The chosen movie ids, and when the rating aggregate that ordered them was computed (None on the model path).

    Its provenance: the first `candidates` ids came from `source` (the model, for `folded`, or the popularity
    fallback), the rest from padding.
    """

    movie_ids: list[int]
    aggregate_computed_at: datetime | None = None
    source: str = POPULAR
    candidates: int = 0
    folded: FoldedUser | None = None

    @property
    def proves_active(self) -> bool:
        """Whether the user was active when it was computed: the model ranked them from their positives, which only an
        existing, active user has (`interactions`)."""
        return self.source == MODEL and self.folded is not None


def recommend(user: User | CallerFacts, **options) -> list[int]:
    """Ordered movie ids for `user` (feed: limit=20; lists also pass G, C and F); see `rank()` for the options."""
    return rank(user, **options).movie_ids


def rank(
    user: User | CallerFacts,
    *,
    limit: int,
    genre_ids: Sequence[int] | None = None,
    celebrity_ids: Sequence[int] = (),
    friend_ids: Sequence[int] | None = None,
    watchlist_excluded: bool = False,
) -> Ranking:
    """The 6.7 pipeline for `user`, with the age of the rating aggregate it used (so a cache knows when it expires).

    `friend_ids=None` boosts with every friend of the user; a sequence boosts only with those of its ids that are
    active friends. `genre_ids=None` applies no genre filter; an empty sequence matches nothing.
    """
    if limit <= 0:
        return Ranking([])
    filters = _Filters(
        user_id=user.id,
        today=today(),
        genre_ids=None if genre_ids is None else tuple(genre_ids),
        watchlist_excluded=watchlist_excluded,
        celebrity_ids=tuple(celebrity_ids),
        friend_ids=None if friend_ids is None else tuple(friend_ids),
    )
    computed_at, source = None, MODEL
    chosen, folded = _model_ranked(user, filters, limit)
    if chosen is None:
        (chosen, computed_at), source = _fallback_ranked(filters, limit), POPULAR
    candidates = len(chosen)
    if len(chosen) < limit:
        chosen += _padding(filters, exclude=chosen, count=limit - len(chosen))
    return Ranking(chosen, computed_at, source, candidates, folded)


def _platform_rule(user_id: int):
    """A user without platforms sees everything; otherwise movies on one of theirs or on no live platform at all."""
    users_platforms = (
        select(user_platforms.c.platform_id)
        .join(Platform, Platform.id == user_platforms.c.platform_id)
        .where(user_platforms.c.user_id == user_id, Platform.deleted_at.is_(None))
    )
    on_live_platform = (
        select(movie_platforms.c.movie_id)
        .join(Platform, Platform.id == movie_platforms.c.platform_id)
        .where(movie_platforms.c.movie_id == Movie.id, Platform.deleted_at.is_(None))
    )
    return or_(
        ~exists(users_platforms),
        exists(on_live_platform.where(movie_platforms.c.platform_id.in_(users_platforms))),
        ~exists(on_live_platform),
    )


def _has_genre(genre_ids: tuple[int, ...]):
    if not genre_ids:
        return false()
    return exists(
        select(movie_genres.c.movie_id)
        .join(Genre, Genre.id == movie_genres.c.genre_id)
        .where(movie_genres.c.movie_id == Movie.id, movie_genres.c.genre_id.in_(genre_ids), Genre.deleted_at.is_(None))
    )


def _boost_columns(filters: _Filters) -> list:
    """Three boolean columns computed per candidate in the same query: celebrity, friend's like, award (the SQL paths
    only: the snapshot path boosts in numpy)."""
    celebrity_ids = filters.celebrity_ids
    if celebrity_ids:
        credited = union(
            select(movie_actors.c.movie_id.label("movie_id"), movie_actors.c.person_id.label("person_id")),
            select(movie_directors.c.movie_id, movie_directors.c.person_id),
        ).subquery()
        celebrity = exists(
            select(credited.c.movie_id)
            .join(Person, Person.id == credited.c.person_id)
            .where(
                credited.c.movie_id == Movie.id,
                credited.c.person_id.in_(celebrity_ids),
                Person.deleted_at.is_(None),
            )
        )
    else:
        celebrity = literal(False)
    likes = friend_likes(filters.user_id, filters.friend_ids)
    if likes is not None:
        friend_like = exists(select(Rating.id).where(Rating.movie_id == Movie.id, *likes))
    else:
        friend_like = literal(False)
    award = exists(
        select(movie_awards.c.movie_id)
        .join(Award, Award.id == movie_awards.c.award_id)
        .where(movie_awards.c.movie_id == Movie.id, Award.deleted_at.is_(None))
    )
    return [celebrity.label("celebrity"), friend_like.label("friend_like"), award.label("award")]


def _exclusion_count(filters: _Filters) -> int:
    """|E|: live movies the user rated or marked unseen, or released after today."""
    return db.session.scalar(
        select(func.count(Movie.id)).where(
            Movie.deleted_at.is_(None),
            or_(
                Movie.release_date > filters.today,
                Movie.id.in_(select(Rating.movie_id).where(Rating.user_id == filters.user_id)),
                Movie.id.in_(select(UnseenMark.movie_id).where(UnseenMark.user_id == filters.user_id)),
                *filters.watchlisted(),
            ),
        ),
        execution_options=LIVENESS_STATED,
    )


def _model_ranked(user: User | CallerFacts, filters: _Filters, limit: int) -> tuple[list[int] | None, FoldedUser | None]:
    """The model path with the user folded in (API.md 22), or None when there is no model, the user is unknown to it,
    or anything fails."""
    try:
        model = current_model()  # None: no model, or its cache cannot be reached (the outage is logged once)
        if model is None:
            return None, None
        # Celebrity boosts (intelligent lists' C) need credits and persons, which the snapshot does not hold.
        snapshot = None if filters.celebrity_ids else catalog_snapshot.current()
        if snapshot is None:
            folded = fold_in(model, *user_positives(user.id))
            if folded is None:
                return None, None
            ids, ranks, scores = _candidates_by_sql(filters, folded.ranking(MAX_MODEL_CANDIDATES))
        else:
            # The fold-in's positives come with the user's rows: one query.
            rows = catalog_snapshot.user_rows(
                snapshot, filters.user_id, watchlist_excluded=filters.watchlist_excluded, friend_ids=filters.friend_ids
            )
            folded = fold_in(model, *rows.positives)
            if folded is None:
                return None, None
            ids, ranks, scores = _candidates_by_snapshot(snapshot, filters, rows, folded.ranking(MAX_MODEL_CANDIDATES))
    except (OperationalError, InterfaceError):
        raise  # the database itself: the error path decides (503 when it cannot be reached)
    except Exception:  # noqa: BLE001 - any model error falls back to popularity (API.md 6.7)
        log.exception("Recommendation model failed; using the popularity fallback")
        db.session.rollback()
        return None, None
    order = np.lexsort((ranks, -scores))
    return [ids[position] for position in order[:limit].tolist()], folded


def _candidates_by_sql(filters: _Filters, ranking: list[int]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """(ids, positions in `ranking`, scores in tenths) of the allowed candidates among the first 500 + |E|."""
    ranking = ranking[: min(MODEL_CANDIDATES + _exclusion_count(filters), MAX_MODEL_CANDIDATES)]
    rank = {movie_id: position for position, movie_id in enumerate(ranking)}
    rows = db.session.execute(
        select(Movie.id, *_boost_columns(filters)).where(_id_in(Movie.id, ranking), *filters.live_and_allowed()),
        execution_options=LIVENESS_STATED,
    ).all()
    if not rows:
        return [], np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    ids, celebrity, friend_like, award = zip(*rows, strict=True)
    ranks = np.fromiter((rank[movie_id] for movie_id in ids), dtype=np.int64, count=len(rows))
    return list(ids), ranks, _scores_in_tenths(celebrity, friend_like, award)


def _candidates_by_snapshot(
    snapshot: catalog_snapshot.Snapshot, filters: _Filters, rows: catalog_snapshot.UserRows, ranking: list[int]
) -> tuple[list[int], np.ndarray, np.ndarray]:
    """`_candidates_by_sql()` from the catalogue snapshot and the user's rows (no celebrity boost)."""
    excluded = catalog_snapshot.exclusion_count(snapshot, rows, filters.today)
    ranking = np.array(ranking[: min(MODEL_CANDIDATES + excluded, MAX_MODEL_CANDIDATES)], dtype=np.int64)
    positions, friend_like, award = catalog_snapshot.candidates(snapshot, rows, ranking, filters.today, filters.genre_ids)
    return ranking[positions].tolist(), positions, _scores_in_tenths(np.zeros(len(positions), dtype=np.int64), friend_like, award)


def _id_in(column, ids: list[int]):
    """`column IN ids`; on PostgreSQL one array parameter instead of up to 1000 bound values (cheaper to send)."""
    if db.engine.dialect.name == "postgresql":
        return column == any_(bindparam("candidate_ids", list(ids), type_=postgresql.ARRAY(BigInteger)))
    return column.in_(ids)


def _fallback_ranked(filters: _Filters, limit: int) -> tuple[list[int], datetime | None]:
    """Popularity fallback: every allowed movie, limited to the genres of liked movies when there are any.

    Also returns when the rating aggregate that ordered them was computed (None when nothing needed ordering).
    """
    liked = (
        select(Rating.movie_id)
        .join(Movie, Movie.id == Rating.movie_id)
        .where(Rating.user_id == filters.user_id, Rating.rating >= LIKED_AT_LEAST, Movie.deleted_at.is_(None))
    )
    liked_genres = (
        select(movie_genres.c.genre_id)
        .join(Genre, Genre.id == movie_genres.c.genre_id)
        .where(movie_genres.c.movie_id.in_(liked), Genre.deleted_at.is_(None))
    )
    shares_liked_genre = or_(
        ~exists(liked),
        exists(
            select(movie_genres.c.movie_id).where(movie_genres.c.movie_id == Movie.id, movie_genres.c.genre_id.in_(liked_genres))
        ),
    )
    rows = db.session.execute(
        select(Movie.id, Movie.popularity, Movie.release_date, *_boost_columns(filters)).where(
            *filters.live_and_allowed(), shares_liked_genre
        ),
        execution_options=LIVENESS_STATED,
    ).all()
    if not rows:
        return [], None
    computed_at, weighted = rating_aggregate()
    ids, popularity, released, celebrity, friend_like, award = zip(*rows, strict=True)
    order = np.lexsort(
        (
            -np.asarray(ids, dtype=np.int64),
            -np.fromiter((day.toordinal() for day in released), dtype=np.int64, count=len(rows)),
            -np.fromiter((weighted.get(movie_id, 0.0) for movie_id in ids), dtype=np.float64, count=len(rows)),
            -np.asarray(popularity, dtype=np.float64),
            -_scores_in_tenths(celebrity, friend_like, award),
        )
    )
    return [ids[position] for position in order[:limit].tolist()], computed_at


def _scores_in_tenths(celebrity, friend_like, award) -> np.ndarray:
    """Score = 1.0 + 3.0 celebrity + 2.5 friend + 0.7 award, in integer tenths so that equal scores compare equal."""
    return (
        round(BASE_SCORE * 10)
        + round(CELEBRITY_BOOST * 10) * np.asarray(celebrity, dtype=np.int64)
        + round(FRIEND_BOOST * 10) * np.asarray(friend_like, dtype=np.int64)
        + round(AWARD_BOOST * 10) * np.asarray(award, dtype=np.int64)
    )


def rating_aggregate() -> tuple[datetime, dict[int, float]]:
    """(computed at, movie id -> avg_rating x count / (count + 10)) over active users' ratings; shared, < 60 s old.

    The age is measured on the app clock, so that a cached feed ordered by it expires with it.
    """
    cache_state = outage("Rating aggregate cache", "the aggregate is computed per request", log)
    cached = None
    if cache_state.due():
        try:
            cached = cache.get(AGGREGATE_KEY)
        except CACHE_ERRORS as exc:  # without the cache the aggregate is computed for this request
            cache_state.failed(exc)
        else:
            cache_state.answered()
    if cached is not None and utcnow() - cached[0] < AGGREGATE_LIFETIME:
        return cached
    rows = db.session.execute(
        select(Rating.movie_id, func.avg(Rating.rating), func.count(Rating.id))
        .join(User, User.id == Rating.user_id)
        .where(User.is_active.is_(True))
        .group_by(Rating.movie_id)
    ).all()
    weighted = {movie_id: float(average) * count / (count + SHRINKAGE) for movie_id, average, count in rows}
    computed = (utcnow(), weighted)
    if cache_state.due():
        try:
            cache.set(AGGREGATE_KEY, computed, timeout=int(AGGREGATE_LIFETIME.total_seconds()))
        except CACHE_ERRORS as exc:
            cache_state.failed(exc)
    return computed


def _padding(filters: _Filters, *, exclude: list[int], count: int) -> list[int]:
    """Newest allowed movies not chosen yet, to fill the sequence up to N."""
    statement = (
        select(Movie.id).where(*filters.live_and_allowed()).order_by(Movie.release_date.desc(), Movie.id.desc()).limit(count)
    )
    if exclude:
        statement = statement.where(and_(Movie.id.not_in(exclude)))
    return list(db.session.scalars(statement, execution_options=LIVENESS_STATED))
