"""Offline evaluation on MovieLens-100k without the database (API.md 10.4).

The model column is measured through the code the feed uses: `train_factors` (same confidence weighting and
settings) and `Factors.ranking` (same scoring of unrated items); users the model does not know get popularity, as
the feed's fallback would serve them. The fold-in lines (API.md 22) leave every 10th user (by id) out of the
training entirely and fold them in from their training part with `foldin.fold_in`, as the feed does for a user the
training never saw.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from moviesx.services.feed.foldin import fold_in, gram_matrix
from moviesx.services.feed.recommender import Factors, train_factors

TOP_N = 10
TRAIN_SHARE = 0.8
RELEVANT_FROM = 4
HELD_OUT_EVERY = 10  # every 10th user by id is folded in instead of trained on


class DatasetError(ValueError):
    """The directory holds no readable MovieLens-100k layout."""


@dataclass
class Interactions:
    users: np.ndarray
    items: np.ndarray
    ratings: np.ndarray
    timestamps: np.ndarray
    item_ids: np.ndarray  # every known item (item file and ratings), ascending


def read_movielens(directory: str | Path) -> Interactions:
    """Read the classic layout (u.data, u.item) or the atomic one (<name>.inter, <name>.item), in that order."""
    directory = Path(directory)
    if (directory / "u.data").is_file() and (directory / "u.item").is_file():
        return _read_classic(directory)
    inter = sorted(directory.glob("*.inter"))
    if inter and inter[0].with_suffix(".item").is_file():
        return _read_atomic(inter[0], inter[0].with_suffix(".item"))
    raise DatasetError(f"{directory}: no MovieLens-100k files (u.data/u.item or <name>.inter/<name>.item)")


def _read_classic(directory: Path) -> Interactions:
    rows = []
    with open(directory / "u.data", encoding="latin-1") as handle:
        for line in handle:
            parts = line.split("\t")
            if len(parts) >= 4:
                rows.append((int(parts[0]), int(parts[1]), float(parts[2]), float(parts[3])))
    items = []
    with open(directory / "u.item", encoding="latin-1") as handle:
        for line in handle:
            head = line.split("|", 1)[0].strip()
            if head.isdigit():
                items.append(int(head))
    return _interactions(rows, items)


def _typed_columns(header: list[str]) -> dict[str, int]:
    return {name.split(":", 1)[0].strip(): position for position, name in enumerate(header)}


def _read_atomic(inter_path: Path, item_path: Path) -> Interactions:
    rows = []
    with open(inter_path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        columns = _typed_columns(next(reader))
        try:
            user, item, rating, stamp = (columns[name] for name in ("user_id", "item_id", "rating", "timestamp"))
        except KeyError as exc:
            raise DatasetError(f"{inter_path.name}: missing column {exc.args[0]}") from exc
        for parts in reader:
            if len(parts) > max(user, item, rating, stamp):
                rows.append((int(parts[user]), int(parts[item]), float(parts[rating]), float(parts[stamp])))
    items = []
    with open(item_path, encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        columns = _typed_columns(next(reader))
        if "item_id" not in columns:
            raise DatasetError(f"{item_path.name}: missing column item_id")
        for parts in reader:
            if len(parts) > columns["item_id"] and parts[columns["item_id"]].strip().isdigit():
                items.append(int(parts[columns["item_id"]]))
    return _interactions(rows, items)


def _interactions(rows: list[tuple], items: list[int]) -> Interactions:
    if not rows:
        raise DatasetError("no ratings found")
    data = np.asarray(rows, dtype=np.float64)
    users = data[:, 0].astype(np.int64)
    item_col = data[:, 1].astype(np.int64)
    ratings = np.clip(np.rint(data[:, 2]), 1, 5).astype(np.int64)
    return Interactions(users, item_col, ratings, data[:, 3], np.union1d(np.asarray(items, dtype=np.int64), item_col))


@dataclass
class Split:
    train: np.ndarray  # boolean mask over the interactions
    test: np.ndarray


def temporal_split(data: Interactions) -> Split:
    """Per user, ordered by (timestamp, item id): the first floor(0.8 k) ratings train, the rest test."""
    order = np.lexsort((data.items, data.timestamps, data.users))
    users_sorted = data.users[order]
    starts = np.flatnonzero(np.r_[True, users_sorted[1:] != users_sorted[:-1]])
    counts = np.diff(np.r_[starts, len(order)])
    position = np.arange(len(order)) - np.repeat(starts, counts)
    cut = np.repeat(np.floor(TRAIN_SHARE * counts).astype(np.int64), counts)
    train = np.zeros(len(order), dtype=bool)
    train[order[position < cut]] = True
    return Split(train=train, test=~train)


@dataclass(frozen=True)
class Scores:
    precision: float
    ndcg: float


@dataclass(frozen=True)
class Report:
    users: int
    model: Scores
    popularity: Scores
    fold_in: Scores = Scores(0.0, 0.0)
    fold_in_popularity: Scores = Scores(0.0, 0.0)  # popularity for the folded-in users

    def lines(self) -> list[str]:
        return [
            f"users evaluated: {self.users}",
            f"model       P@10={self.model.precision:.4f} nDCG@10={self.model.ndcg:.4f}",
            f"popularity  P@10={self.popularity.precision:.4f} nDCG@10={self.popularity.ndcg:.4f}",
            f"fold-in     P@10={self.fold_in.precision:.4f} nDCG@10={self.fold_in.ndcg:.4f}",
            f"fold-in popularity P@10={self.fold_in_popularity.precision:.4f} nDCG@10={self.fold_in_popularity.ndcg:.4f}",
        ]


def popularity_order(data: Interactions, train: np.ndarray) -> np.ndarray:
    """Every item by training ratings >= 4, then training ratings, descending, then the lower id."""
    item_ids = data.item_ids
    position = np.searchsorted(item_ids, data.items[train])
    liked = np.bincount(position[data.ratings[train] >= RELEVANT_FROM], minlength=len(item_ids))
    rated = np.bincount(position, minlength=len(item_ids))
    return item_ids[np.lexsort((item_ids, -rated, -liked))]


def _metrics(ranked: list[int], relevant: set[int]) -> tuple[float, float]:
    gains = [1.0 if item in relevant else 0.0 for item in ranked[:TOP_N]]
    dcg = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(gains, start=1))
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(TOP_N, len(relevant)) + 1))
    return sum(gains) / TOP_N, (dcg / ideal if ideal else 0.0)


def evaluate(data: Interactions, settings: Mapping[str, Any]) -> Report:
    split = temporal_split(data)
    factors = train_factors(data.users[split.train], data.items[split.train], data.ratings[split.train], settings)
    popular = popularity_order(data, split.train).tolist()
    rated_in_training: dict[int, set[int]] = {}
    for user, item in zip(data.users[split.train].tolist(), data.items[split.train].tolist(), strict=True):
        rated_in_training.setdefault(user, set()).add(item)
    relevant: dict[int, set[int]] = {}
    test_mask = split.test & (data.ratings >= RELEVANT_FROM)
    for user, item in zip(data.users[test_mask].tolist(), data.items[test_mask].tolist(), strict=True):
        relevant.setdefault(user, set()).add(item)

    model_totals = np.zeros(2)
    popular_totals = np.zeros(2)
    item_position = {} if factors is None else {int(item): row for row, item in enumerate(factors.item_ids.tolist())}
    for user in sorted(relevant):
        seen = rated_in_training.get(user, set())
        by_popularity = _top_unseen(popular, seen)
        ranked = None
        if factors is not None:
            exclude = np.fromiter((item_position[i] for i in seen if i in item_position), dtype=np.int64)
            ranked = factors.ranking(user, TOP_N, exclude=exclude)
        popular_totals += _metrics(by_popularity, relevant[user])
        model_totals += _metrics(ranked if ranked is not None else by_popularity, relevant[user])
    count = len(relevant)
    if not count:
        return Report(0, Scores(0.0, 0.0), Scores(0.0, 0.0))
    fold_in_scores, fold_in_popularity = _fold_in_scores(data, split, settings, relevant, rated_in_training, popular)
    return Report(count, Scores(*(model_totals / count)), Scores(*(popular_totals / count)), fold_in_scores, fold_in_popularity)


def _fold_in_scores(
    data: Interactions,
    split: Split,
    settings: Mapping[str, Any],
    relevant: dict[int, set[int]],
    rated_in_training: dict[int, set[int]],
    popular: list[int],
) -> tuple[Scores, Scores]:
    """Every 10th user by id left out of training, folded in from their training part, evaluated on their test part
    (popularity for a user the model cannot fold in); and popularity for the same users."""
    held_out = np.unique(data.users)[HELD_OUT_EVERY - 1 :: HELD_OUT_EVERY]
    evaluated = [user for user in held_out.tolist() if user in relevant]
    if not evaluated:
        return Scores(0.0, 0.0), Scores(0.0, 0.0)
    trained_on = split.train & ~np.isin(data.users, held_out)
    factors = train_factors(data.users[trained_on], data.items[trained_on], data.ratings[trained_on], settings)
    gram = None if factors is None else gram_matrix(factors)
    folded_in_part = split.train & np.isin(data.users, evaluated)
    parts: dict[int, tuple[list[int], list[int]]] = {}
    for user, item, stars in zip(
        *(column[folded_in_part].tolist() for column in (data.users, data.items, data.ratings)), strict=True
    ):
        parts.setdefault(user, ([], []))[0].append(item)
        parts[user][1].append(stars)
    model_totals, popular_totals = np.zeros(2), np.zeros(2)
    for user in evaluated:
        by_popularity = _top_unseen(popular, rated_in_training.get(user, set()))
        items, stars = parts.get(user, ([], []))
        ranked = _folded_ranking(factors, gram, items, stars) if factors is not None else None
        model_totals += _metrics(ranked if ranked is not None else by_popularity, relevant[user])
        popular_totals += _metrics(by_popularity, relevant[user])
    return Scores(*(model_totals / len(evaluated))), Scores(*(popular_totals / len(evaluated)))


def _folded_ranking(factors: Factors, gram: np.ndarray, items: list[int], stars: list[int]) -> list[int] | None:
    """The top 10 items the user did not rate in training, from their folded-in factors; None when not foldable."""
    folded = fold_in(factors, np.asarray(items), np.asarray(stars), gram=gram)
    if folded is None:
        return None
    seen = np.flatnonzero(np.isin(factors.item_ids, items))
    return factors.top(folded.scores(), TOP_N, exclude=seen)


def _top_unseen(order: list[int], seen: set[int]) -> list[int]:
    top = []
    for item in order:
        if item not in seen:
            top.append(item)
            if len(top) == TOP_N:
                break
    return top
