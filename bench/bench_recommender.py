"""Training benchmarks: MovieLens-100k from the database end to end, and a synthetic 1M-rating set.

    .venv/bin/python bench/bench_recommender.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/moviesx_bench
        [--data bench/data/ml-100k] [--redis-url redis://127.0.0.1:6379/14] [--synthetic 1000000]

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


def build_app(database_url: str, redis_url: str | None):
    from moviesx import create_app

    cache = (
        {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": redis_url, "REDIS_URL": redis_url}
        if redis_url
        else {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": tempfile.mkdtemp(prefix="bench-cache-"), "CACHE_THRESHOLD": 0}
    )
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "MOVIESX_ENV": "development", **cache})


def ensure_movielens(data_dir: str) -> None:
    from sqlalchemy import func, select, text

    from moviesx.extensions import db
    from moviesx.models import Rating
    from moviesx.services.ops.movielens import read_dataset
    from moviesx.services.ops.movielens_import import import_dataset

    db.create_all()
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


def synthetic(count: int) -> None:
    """Power-law users and items, stars skewed towards 3-5, fit and store through the production code."""
    from flask import current_app

    from moviesx.services.feed import recommender

    rng = np.random.default_rng(42)
    n_users, n_items = max(1000, count // 50), max(500, count // 200)
    activity = 1.0 / (np.arange(n_users) + 50.0) ** 0.7
    appeal = 1.0 / (np.arange(n_items) + 10.0) ** 0.9
    drawn = int(count * 1.1)
    users = rng.choice(n_users, size=drawn, p=activity / activity.sum())
    items = rng.choice(n_items, size=drawn, p=appeal / appeal.sum())
    keep = np.sort(np.unique(users * n_items + items, return_index=True)[1])[:count]
    users, items = users[keep], items[keep]
    stars = rng.choice([1, 2, 3, 4, 5], size=len(keep), p=[0.06, 0.11, 0.27, 0.34, 0.22])
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
    args = parser.parse_args()
    app = build_app(args.database_url, args.redis_url)
    with app.app_context():
        ensure_movielens(args.data)
        train_from_database()
        if args.synthetic:
            synthetic(args.synthetic)


if __name__ == "__main__":
    main()
