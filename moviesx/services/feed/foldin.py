"""Fold-in (API.md 22): a user's factors computed at once from their current positives against the stored item
factors, for every user with a positive on a movie the model contains, whether or not the training saw them.

It is the exact least-squares step of implicit's ALS (`recalculate_user`): with Y the item factors, C_u the user's
confidences (alpha x the star weighting of training) and p_u their positives,
x_u = (YᵀY + λI + Yᵀ(C_u − I)Y)⁻¹ YᵀC_u p_u. YᵀY + λI is computed once per loaded model; the rest costs one small
solve per user. The same system explains a score (`FoldedUser.explain`): y_jᵀx_u = Σ_i c_i · y_jᵀA⁻¹y_i, a sum over
the user's positives (implicit's `explain`).

Folded-in factors are computed for one user when their feed (or an intelligent list) is computed, and live as long
as that answer: the feed cache entry that holds the ranking is invalidated by every change to the user's ratings,
watchlist, activation or existence, and by a new model version (the next training supersedes them).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

import numpy as np
from flask import current_app

from moviesx.models import User
from moviesx.services.feed.interactions import user_positives
from moviesx.services.feed.recommender import Factors, confidence, current_model

log = logging.getLogger("moviesx.recommender")
LIKED_FROM = 4  # `because_you_liked` names movies rated 4 or more (API.md 17)
EXPLAINED_MOVIES = 3


@dataclass(frozen=True)
class FoldedUser:
    """One user's factors against one model, with the system that produced them (never shared across users)."""

    model: Factors
    movie_ids: np.ndarray  # the user's positives the model contains, ascending
    positions: np.ndarray  # their rows in the model's item factors
    stars: np.ndarray
    rated: np.ndarray  # False for watchlist entries
    confidences: np.ndarray
    system: np.ndarray  # A = YᵀY + λI + Yᵀ(C_u − I)Y (float64)
    factors: np.ndarray  # x_u

    def scores(self) -> np.ndarray:
        return self.model.item_factors @ self.factors.astype(self.model.item_factors.dtype)

    def ranking(self, count: int) -> list[int]:
        """The model's `count` best movie ids for this user (rated ones included: the pipeline excludes them)."""
        return self.model.top(self.scores(), count)

    def contributions(self, movie_ids: list[int]) -> np.ndarray:
        """(positives x movies): c_i · y_jᵀA⁻¹y_i, whose column sums are the movies' scores."""
        positions = np.searchsorted(self.model.item_ids, movie_ids)
        targets = self.model.item_factors[positions].astype(np.float64)
        weighted = np.linalg.solve(self.system, targets.T)
        own = self.model.item_factors[self.positions].astype(np.float64)
        return self.confidences[:, None] * (own @ weighted)

    def explain(self, movie_ids: list[int]) -> dict[int, list[int]]:
        """Per movie of the model: up to 3 of the user's movies rated >= 4 whose contribution to its score is positive,
        largest first (ties by movie id)."""
        if not movie_ids:
            return {}
        contributions = self.contributions(movie_ids)
        liked = self.rated & (self.stars >= LIKED_FROM)
        explained = {}
        for column, movie_id in enumerate(movie_ids):
            share = contributions[:, column]
            rows = np.flatnonzero(liked & (share > 0))
            rows = rows[np.lexsort((self.movie_ids[rows], -share[rows]))][:EXPLAINED_MOVIES]
            explained[movie_id] = self.movie_ids[rows].tolist()
        return explained


def gram_matrix(model: Factors) -> np.ndarray:
    """YᵀY + λI, the part of every user's system that does not depend on the user."""
    items = model.item_factors.astype(np.float64)
    return items.T @ items + float(model.settings["regularization"]) * np.eye(items.shape[1])


class _Gram:
    """`gram_matrix` of the model this process loaded last."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.model: Factors | None = None
        self.matrix: np.ndarray | None = None

    def of(self, model: Factors) -> np.ndarray:
        if self.model is not model:
            with self.lock:
                if self.model is not model:
                    self.matrix, self.model = gram_matrix(model), model
        return self.matrix


def _gram(model: Factors) -> np.ndarray:
    return current_app.extensions.setdefault("moviesx.fold_in_gram", _Gram()).of(model)


def fold_in(
    model: Factors,
    movie_ids: np.ndarray,
    stars: np.ndarray,
    rated: np.ndarray | None = None,
    *,
    gram: np.ndarray | None = None,
) -> FoldedUser | None:
    """The user's factors from their positives (movie ids, one each, with their stars; `rated` False marks watchlist
    entries); None when the model contains none of them (the user is not known to it). `gram` defaults to the one
    this process keeps for the model."""
    movie_ids = np.asarray(movie_ids, dtype=np.int64)
    stars = np.asarray(stars, dtype=np.int64)
    rated = np.ones(len(movie_ids), dtype=bool) if rated is None else np.asarray(rated, dtype=bool)
    positions = np.searchsorted(model.item_ids, movie_ids)
    contained = positions < len(model.item_ids)
    contained[contained] = model.item_ids[positions[contained]] == movie_ids[contained]
    contained &= confidence(stars) > 0
    if not contained.any():
        return None
    positions, stars, rated, movie_ids = positions[contained], stars[contained], rated[contained], movie_ids[contained]
    confidences = float(model.settings["alpha"]) * confidence(stars).astype(np.float64)
    own = model.item_factors[positions].astype(np.float64)
    system = (_gram(model) if gram is None else gram) + (own.T * (confidences - 1.0)) @ own
    factors = np.linalg.solve(system, own.T @ confidences)
    return FoldedUser(model, movie_ids, positions, stars, rated, confidences, system, factors)


def folded_user(user: User) -> FoldedUser | None:
    """The user folded into the current model, or None: no model (or its cache cannot be reached: the outage is logged
    once, API.md 21), or no positive on a movie the model contains (an inactive or deleted user has none)."""
    model = current_model()
    if model is None:
        return None
    return fold_in(model, *user_positives(user.id))
