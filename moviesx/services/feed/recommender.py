"""The collaborative-filtering model (API.md 10.5): training, storage through Flask-Caching, and serving.

Training streams the positive ratings into numpy arrays (extraction.py), turns stars into confidences (1-2 stars are
no positive signal), fits implicit's CPU ALS with BLAS pinned to one thread and stores the factors with no expiry, in
chunks of at most RECOMMENDER_CHUNK_BYTES under a small manifest (model_store.py), then bumps a small version key.
Each process keeps the loaded model in memory and fetches it again only when the version key changes.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from flask import Flask, current_app
from redis.exceptions import RedisError
from scipy.sparse import csr_matrix
from sqlalchemy import select

from moviesx.clock import utcnow
from moviesx.extensions import cache, db
from moviesx.models import Movie, Rating, User
from moviesx.services.feed import model_store
from moviesx.services.feed.extraction import CHUNK_ROWS, Triples, stream_triples
from moviesx.services.feed.interactions import POSITIVE_FROM, watchlist_positives
from moviesx.services.jobs import enqueue_once
from moviesx.services.outages import outage

log = logging.getLogger("moviesx.recommender")
CACHE_ERRORS = (RedisError, OSError)  # the cache (Redis, or the filesystem cache) cannot be reached

MODEL_KEY = "recommender:model"
VERSION_KEY = "recommender:version"
CHANGES_KEY = "recommender:rating-changes"
RETRAIN_JOB = "moviesx.tasks.recommender.retrain_model"
RETRAINING = "recommender:retrain"  # `enqueue_once` name: at most one retrain waits in the queue
RANDOM_STATE = 42
SETTING_NAMES = ("factors", "regularization", "alpha", "iterations")
ARRAY_NAMES = ("user_ids", "item_ids", "user_factors", "item_factors")


def settings_from_config(config: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "factors": int(config["RECOMMENDER_FACTORS"]),
        "regularization": float(config["RECOMMENDER_REGULARIZATION"]),
        "alpha": float(config["RECOMMENDER_ALPHA"]),
        "iterations": int(config["RECOMMENDER_ITERATIONS"]),
    }


def confidence(stars: np.ndarray) -> np.ndarray:
    """Stars -> confidence weight before alpha: 0 below POSITIVE_FROM (1-2 stars carry no positive signal), then 1, 2,
    3 for 3, 4, 5 stars."""
    stars = np.asarray(stars, dtype=np.float32)
    return np.where(stars >= POSITIVE_FROM, stars - (POSITIVE_FROM - 1), 0.0).astype(np.float32)


@dataclass
class Factors:
    """A fitted model: factor rows follow `user_ids` and `item_ids` (external ids, ascending)."""

    user_ids: np.ndarray
    item_ids: np.ndarray
    user_factors: np.ndarray
    item_factors: np.ndarray
    ratings: int
    settings: Mapping[str, Any] = field(default_factory=dict)  # those it was trained with (fold-in uses them)
    user_index: dict[int, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.user_index = {int(user_id): row for row, user_id in enumerate(self.user_ids.tolist())}

    def scores(self, user_id: int) -> np.ndarray | None:
        row = self.user_index.get(int(user_id))
        if row is None:
            return None
        return self.item_factors @ self.user_factors[row]

    def ranking(self, user_id: int, count: int, exclude: np.ndarray | None = None) -> list[int] | None:
        """The `count` best item ids for a known user (None when unknown); `exclude` = item positions to skip."""
        scores = self.scores(user_id)
        if scores is None:
            return None
        return self.top(scores, count, exclude)

    def top(self, scores: np.ndarray, count: int, exclude: np.ndarray | None = None) -> list[int]:
        """The item ids of the `count` best `scores` (one per item), best first, ties by position."""
        if exclude is not None and len(exclude):
            scores = scores.copy()
            scores[exclude] = -np.inf
        count = max(0, min(count, len(scores)))
        if count == 0:
            return []
        top = np.argpartition(-scores, count - 1)[:count] if count < len(scores) else np.arange(len(scores))
        top = top[np.lexsort((top, -scores[top]))]
        if exclude is not None and len(exclude):
            top = top[np.isfinite(scores[top])]
        return self.item_ids[top].tolist()


@dataclass(frozen=True)
class RatingMatrix:
    """Confidences before alpha: rows follow `user_ids`, columns `item_ids` (external ids, ascending)."""

    user_ids: np.ndarray
    item_ids: np.ndarray
    confidences: csr_matrix


def rating_matrix(user_ids, item_ids, stars) -> RatingMatrix | None:
    """The sparse user x item matrix of the positive (user, item, stars) triples; None when there is none."""
    weights = confidence(stars)
    keep = weights > 0
    weights = weights[keep]
    if not len(weights):
        return None
    user_keys, user_rows = np.unique(np.asarray(user_ids)[keep], return_inverse=True)
    item_keys, item_cols = np.unique(np.asarray(item_ids)[keep], return_inverse=True)
    matrix = csr_matrix((weights, (user_rows, item_cols)), shape=(len(user_keys), len(item_keys)), dtype=np.float32)
    matrix.sum_duplicates()
    return RatingMatrix(user_keys.astype(np.int64), item_keys.astype(np.int64), matrix)


def train_factors(user_ids, item_ids, stars, settings: Mapping[str, Any]) -> Factors | None:
    """Fit ALS on (user, item, stars) triples; None when no rating is a positive one.

    The same function serves `recommender retrain` and `recommender evaluate`, so the offline figures measure the
    model the feed uses.
    """
    from implicit.cpu.als import AlternatingLeastSquares
    from threadpoolctl import threadpool_limits

    ratings = rating_matrix(user_ids, item_ids, stars)
    if ratings is None:
        return None
    with threadpool_limits(limits=1, user_api="blas"):
        model = AlternatingLeastSquares(
            factors=settings["factors"],
            regularization=settings["regularization"],
            alpha=settings["alpha"],
            iterations=settings["iterations"],
            random_state=RANDOM_STATE,
        )
        model.fit(ratings.confidences, show_progress=False)
    return Factors(
        user_ids=ratings.user_ids,
        item_ids=ratings.item_ids,
        user_factors=np.ascontiguousarray(model.user_factors, dtype=np.float32),
        item_factors=np.ascontiguousarray(model.item_factors, dtype=np.float32),
        ratings=int(ratings.confidences.nnz),
        settings=dict(settings),
    )


@dataclass(frozen=True)
class TrainingResult:
    users: int
    movies: int
    ratings: int
    version: str

    def message(self) -> str:
        return f"Model trained: {self.users} users, {self.movies} movies, {self.ratings} ratings"


NO_RATINGS = "No ratings to train the model"


def positive_ratings(chunk_rows: int = CHUNK_ROWS) -> Triples:
    """(user ids, movie ids, stars) of the ratings that can be positives: active users, live movies. Streamed into
    arrays (binary COPY on PostgreSQL, chunks of `chunk_rows` elsewhere): no Python row per rating is kept."""
    return stream_triples(
        select(Rating.user_id, Rating.movie_id, Rating.rating)
        .join(User, User.id == Rating.user_id)
        .join(Movie, Movie.id == Rating.movie_id)
        .where(User.is_active.is_(True), Movie.deleted_at.is_(None), Rating.rating >= POSITIVE_FROM),
        chunk_rows,
    )


def retrain() -> TrainingResult | None:
    """Train on the database and store the model; None (previous model kept) when there is nothing to learn."""
    cache.set(CHANGES_KEY, 0)
    settings = settings_from_config(current_app.config)
    users, movies, stars = positive_ratings()
    listed = watchlist_positives()  # (unrated movies only: no pair is both a rating and a watchlist entry)
    db.session.rollback()  # release the read transaction during the fit
    factors = train_factors(*(np.concatenate(pair) for pair in zip((users, movies, stars), listed, strict=True)), settings)
    if factors is None:
        return None
    version = store(factors, settings)
    ratings = factors.ratings - len(listed[0])  # watchlist entries are not ratings (API.md 22)
    return TrainingResult(len(factors.user_ids), len(factors.item_ids), ratings, version)


def store(factors: Factors, settings: Mapping[str, Any]) -> str:
    """Write the model (chunks, then their manifest) with no expiry, bump the version key that serving processes poll,
    then drop the previous model's chunks."""
    version = uuid.uuid4().hex
    previous = stored_manifest()
    manifest = {"version": version, "trained_at": utcnow().isoformat(), "settings": dict(settings), "ratings": factors.ratings}
    arrays = {name: getattr(factors, name) for name in ARRAY_NAMES}
    model_store.write(MODEL_KEY, manifest, arrays, int(current_app.config["RECOMMENDER_CHUNK_BYTES"]))
    cache.set(VERSION_KEY, version, timeout=0)
    model_store.delete_chunks(MODEL_KEY, previous)
    return version


def stored_manifest() -> dict | None:
    """The small part of the stored model: version, trained_at, settings, ratings and how its arrays are chunked."""
    return cache.get(MODEL_KEY)


def stored_payload(version: str | None = None) -> dict | None:
    """The whole stored model (manifest and arrays), None when any part is missing or it is not `version`."""
    stored = model_store.read(MODEL_KEY, version)
    return None if stored is None else {**stored[0], **stored[1]}


def stored_version() -> str | None:
    return cache.get(VERSION_KEY)


class _Holder:
    """The model loaded by this process, with the version it came from."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.version: str | None = None
        self.model: Factors | None = None


def _holder() -> _Holder:
    return current_app.extensions.setdefault("moviesx.recommender", _Holder())


def loaded_model() -> Factors | None:
    """The current model, unpickled only when the stored version changed since this process last looked."""
    version = stored_version()
    holder = _holder()
    if version is None:
        return None
    if version == holder.version:
        return holder.model
    with holder.lock:
        if version != holder.version:
            payload = stored_payload(version)
            holder.version = version
            holder.model = (
                None
                if payload is None
                else Factors(**{name: payload[name] for name in (*ARRAY_NAMES, "ratings")}, settings=payload["settings"])
            )
        return holder.model


def current_model() -> Factors | None:
    """The loaded model, or None when there is none or the cache that holds it cannot be reached (the outage is
    logged once, API.md 21): feeds then use the popularity fallback."""
    cache_state = outage("Model cache", "feeds use the popularity fallback", log)
    if not cache_state.due():
        return None
    try:
        model = loaded_model()
    except CACHE_ERRORS as exc:
        cache_state.failed(exc)
        return None
    cache_state.answered()
    return model


def note_rating_change(_sender: Flask | None = None, *, count: int = 1, **_: Any) -> None:
    """Receiver of `rating_changed` (a committed new or changed rating) and `ratings_changed` (`count` of them at
    once): every RECOMMENDER_RETRAIN_AFTER changes enqueue a retrain (once, however many thresholds a bulk change
    crosses; not at all while one enqueued this way has not started: that one will train on these changes too)."""
    threshold = current_app.config.get("RECOMMENDER_RETRAIN_AFTER", 0)
    if threshold <= 0:
        return
    counter_state = outage("Retrain counter", "rating changes are not counted toward a retrain", log)
    try:
        changes = cache.cache.inc(CHANGES_KEY, count)
    except CACHE_ERRORS as exc:  # a cache outage must not break a rating
        counter_state.failed(exc)
        return
    counter_state.answered()
    if changes and changes // threshold > (changes - count) // threshold:
        enqueue_once(RETRAINING, RETRAIN_JOB)
