"""Does counting watchlist entries as 3-star positives (API.md 22) lower P@10? A simulation on MovieLens-100k.

    .venv/bin/python bench/bench_watchlist.py [--data bench/data/ml-100k] [--share 0.2] [--seed 42]

MovieLens has no watchlist, so one is simulated: on the fixed temporal split of `recommender evaluate` (API.md 10.4),
a random share of each user's training ratings (whatever their stars: people also watchlist movies they end up
disliking) is turned into watchlist entries, which carry no stars. Three trainings are compared on the same test
part, with the same exclusions (every training item, rated or watchlisted, as the feed excludes both):

* ignored: the entries carry no signal (the model before this change);
* counted: the entries weigh as a 3-star rating (the model now);
* all rated: the simulated entries keep their real stars (the `model` line of `recommender evaluate`, for scale).

Each is measured for every evaluated user (model) and for every 10th user left out of training and folded in.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from moviesx.services.feed.foldin import fold_in, gram_matrix  # noqa: E402
from moviesx.services.feed.interactions import WATCHLIST_STARS  # noqa: E402
from moviesx.services.feed.recommender import settings_from_config, train_factors  # noqa: E402
from moviesx.services.ops import evaluation  # noqa: E402


def scores(data, train, stars, settings, relevant, seen) -> tuple[float, float]:
    """(model P@10 over every evaluated user, fold-in P@10 over every 10th user) when training on the `train` rows with
    `stars`; `seen` (every training row) is excluded from the rankings."""
    users = np.unique(data.users)
    held_out = users[evaluation.HELD_OUT_EVERY - 1 :: evaluation.HELD_OUT_EVERY]
    results = []
    for left_out in (np.empty(0, dtype=np.int64), held_out):
        keep = train & ~np.isin(data.users, left_out)
        model = train_factors(data.users[keep], data.items[keep], stars[keep], settings)
        gram = gram_matrix(model)
        evaluated = [user for user in (held_out if len(left_out) else users).tolist() if user in relevant]
        total = 0.0
        for user in evaluated:
            mine, excluded = train & (data.users == user), data.items[seen & (data.users == user)]
            positions = np.searchsorted(model.item_ids, excluded)
            inside = positions < len(model.item_ids)
            inside[inside] = model.item_ids[positions[inside]] == excluded[inside]
            if len(left_out):
                folded = fold_in(model, data.items[mine], stars[mine], gram=gram)
                ranked = [] if folded is None else model.top(folded.scores(), 10, exclude=positions[inside])
            else:
                ranked = model.ranking(user, 10, exclude=positions[inside]) or []
            total += len(set(ranked) & relevant[user]) / 10
        results.append(total / len(evaluated))
    return results[0], results[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=str(ROOT / "bench" / "data" / "ml-100k"))
    parser.add_argument("--share", type=float, default=0.2, help="share of each user's training ratings watchlisted")
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    settings = settings_from_config(_defaults())
    data = evaluation.read_movielens(args.data)
    split = evaluation.temporal_split(data)
    relevant: dict[int, set[int]] = {}
    for user, item in zip(*(column[split.test & (data.ratings >= 4)] for column in (data.users, data.items)), strict=True):
        relevant.setdefault(int(user), set()).add(int(item))
    listed = split.train & (np.random.default_rng(args.seed).random(len(data.users)) < args.share)
    print(f"settings {settings}; {int(listed.sum())} of {int(split.train.sum())} training ratings become watchlist entries")
    variants = {
        "ignored": (split.train & ~listed, data.ratings),
        "counted": (split.train, np.where(listed, WATCHLIST_STARS, data.ratings)),
        "all rated": (split.train, data.ratings),
    }
    for name, (train, stars) in variants.items():
        model, folded = scores(data, train, stars, settings, relevant, split.train)
        print(f"{name:10} model P@10={model:.4f}  fold-in P@10={folded:.4f}")


def _defaults() -> dict:
    from moviesx import create_app

    return create_app({"MOVIESX_ENV": "development", "SQLALCHEMY_DATABASE_URI": "sqlite://"}).config


if __name__ == "__main__":
    main()
