"""Training benchmarks: MovieLens-100k from the database end to end, and a synthetic 1M-rating set.

    .venv/bin/python bench/bench_recommender.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/moviesx_bench
        [--data bench/data/ml-100k] [--redis-url redis://127.0.0.1:6379/14] [--synthetic 1000000]
    .venv/bin/python bench/bench_recommender.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_scale \
        --redis-url redis://127.0.0.1:6379/14 --scale 1000000 10000000

The second form is the synthetic scale run (bench_scale.py): it REPLACES the users, movies and ratings of that
database with a power-law set of each size, then trains and serves from it.

The database is created (schema) and filled with `movielens import` logic when it holds no ratings yet.
Fetch the data first: bench/get-movielens.sh bench/data/ml-100k (or any MovieLens-100k folder).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from moviesx.config import REDIS_CACHE_TYPE  # noqa: E402


def build_app(database_url: str, redis_url: str | None, **overrides):
    from moviesx import create_app

    cache = (
        {"CACHE_TYPE": REDIS_CACHE_TYPE, "CACHE_REDIS_URL": redis_url, "REDIS_URL": redis_url}
        if redis_url
        else {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": tempfile.mkdtemp(prefix="bench-cache-"), "CACHE_THRESHOLD": 0}
    )
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MOVIESX_ENV": "development", **cache, **overrides})


def ensure_movielens(data_dir: str) -> None:
    from flask_migrate import upgrade
    from sqlalchemy import func, select, text

    from moviesx.extensions import db
    from moviesx.models import Rating
    from moviesx.services.ops.movielens import read_dataset
    from moviesx.services.ops.movielens_import import import_dataset

    upgrade(directory=str(ROOT / "migrations"))  # the production schema; a database left by an older run: drop it
    if db.session.scalar(select(func.count(Rating.id))):
        return
    started = time.perf_counter()
    report = import_dataset(read_dataset(data_dir))
    db.session.commit()
    with db.engine.begin() as connection:  # fresh statistics (committed), as autovacuum would give a running database
        connection.execute(text("ANALYZE"))
    print(f"movielens import: {time.perf_counter() - started:.1f} s ({'; '.join(report.lines())})")


def train_from_database() -> None:
    from flask import current_app

    from moviesx.extensions import db
    from moviesx.services.feed import recommender

    settings = recommender.settings_from_config(current_app.config)
    runs = []
    for _ in range(3):
        t0 = time.perf_counter()
        users, movies, stars = recommender.positive_ratings()
        db.session.rollback()
        t1 = time.perf_counter()
        factors = recommender.train_factors(users, movies, stars, settings)
        t2 = time.perf_counter()
        recommender.store(factors, settings)
        t3 = time.perf_counter()
        runs.append((t1 - t0, t2 - t1, t3 - t2, t3 - t0))
    best = min(runs, key=lambda run: run[3])
    print(
        f"ML-100k from the database ({len(factors.user_ids)} users, {len(factors.item_ids)} movies, "
        f"{factors.ratings} positive ratings, settings {settings}):"
    )
    print(f"  SQL extraction {best[0]:.2f} s, fit {best[1]:.2f} s, store {best[2]:.2f} s, total {best[3]:.2f} s (best of 3)")
    t0 = time.perf_counter()
    result = recommender.retrain()
    print(f"  recommender.retrain() end to end: {time.perf_counter() - t0:.2f} s -> {result.message()}")


def power_law_ratings(count: int, n_users: int, n_items: int, seed: int = 42):
    """`count` distinct (user, item, stars) triples, 0-based: power-law user activity and item appeal, stars skewed to
    3-5; also returns the items' appeal (their popularity)."""
    rng = np.random.default_rng(seed)
    activity = 1.0 / (np.arange(n_users) + 50.0) ** 0.7
    appeal = 1.0 / (np.arange(n_items) + 10.0) ** 0.9
    drawn = int(count * 1.1)
    users = rng.choice(n_users, size=drawn, p=activity / activity.sum()).astype(np.int32)
    items = rng.choice(n_items, size=drawn, p=appeal / appeal.sum()).astype(np.int32)
    keep = np.sort(np.unique(users.astype(np.int64) * n_items + items, return_index=True)[1])[:count]
    users, items = users[keep], items[keep]
    stars = rng.choice(np.array([1, 2, 3, 4, 5], dtype=np.int16), size=len(keep), p=[0.06, 0.11, 0.27, 0.34, 0.22])
    return users, items, stars, appeal


def synthetic(count: int) -> None:
    """Power-law users and items, stars skewed towards 3-5, fit and store through the production code."""
    from flask import current_app

    from moviesx.services.feed import recommender

    users, items, stars, _ = power_law_ratings(count, max(1000, count // 50), max(500, count // 200))
    settings = recommender.settings_from_config(current_app.config)
    t0 = time.perf_counter()
    factors = recommender.train_factors(users, items, stars, settings)
    t1 = time.perf_counter()
    recommender.store(factors, settings)
    t2 = time.perf_counter()
    t3 = time.perf_counter()
    model = recommender.loaded_model()
    known = int(factors.user_ids[0])
    for _ in range(1000):
        model.ranking(known, 1000)
    t4 = time.perf_counter()
    print(
        f"synthetic: {len(stars)} ratings, {len(factors.user_ids)} users x "
        f"{len(factors.item_ids)} items in the model, {factors.ratings} positives"
    )
    print(f"  fit {t1 - t0:.2f} s, store {t2 - t1:.2f} s, ranking of 1000 ids {1000 * (t4 - t3) / 1000:.2f} ms per call")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--data", default=str(ROOT / "bench" / "data" / "ml-100k"))
    parser.add_argument("--redis-url")
    parser.add_argument("--synthetic", type=int, default=1_000_000)
    parser.add_argument("--scale", type=int, nargs="+", help="scale runs of these rating counts (see bench_scale.py)")
    parser.add_argument("--feed-requests", type=int, default=300, help="feed requests timed per scale run")
    parser.add_argument("--scale-run", type=int, help=argparse.SUPPRESS)  # one measured scale run, in a fresh process
    args = parser.parse_args()
    if args.scale or args.scale_run:
        from bench_scale import scale_runs

        scale_runs(args)
        return
    app = build_app(args.database_url, args.redis_url)
    with app.app_context():
        ensure_movielens(args.data)
        train_from_database()
        if args.synthetic:
            synthetic(args.synthetic)


if __name__ == "__main__":
    main()
