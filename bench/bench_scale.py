"""The synthetic scale run of bench_recommender.py (--scale 1000000 10000000): training and serving at 1M and 10M
ratings from PostgreSQL.

For each size the database (a dedicated one: its users, movies and ratings are replaced) is filled by COPY with
power-law ratings (count/50 users x count/200 movies: 200,000 x 50,000 for 10M), then a fresh process measures the
production path: streamed extraction, ALS fit, chunked store, its peak RSS, loading the model in another app, and
feed latency through the app (one in-process client, so no HTTP server or queueing: the cost of one request).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import time
from datetime import datetime

import numpy as np
from bench_recommender import ROOT, build_app, power_law_ratings

EPOCH = datetime(2000, 1, 1)  # PostgreSQL's binary timestamps count microseconds from here
CREATED = datetime(2026, 1, 1)
RATING_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("user_size", ">i4"),
        ("user_id", ">i4"),
        ("movie_size", ">i4"),
        ("movie_id", ">i4"),
        ("rating_size", ">i4"),
        ("rating", ">i2"),
        ("created_size", ">i4"),
        ("created_at", ">i8"),
        ("updated_size", ">i4"),
        ("updated_at", ">i8"),
    ]
)
COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
SECRET = "bench-secret-key-that-is-long-enough-for-hs256"


def shape(count: int) -> tuple[int, int]:
    return max(1000, count // 50), max(500, count // 200)


def scale_runs(args) -> None:
    if args.scale_run:
        measure(args.database_url, args.redis_url, args.scale_run, args.feed_requests)
        return
    print(f"load average at start: {' '.join(f'{value:.1f}' for value in os.getloadavg())} ({os.cpu_count()} cores)")
    for count in args.scale:
        fill(args.database_url, count)
        command = [sys.executable, str(ROOT / "bench" / "bench_recommender.py"), "--database-url", args.database_url]
        command += ["--redis-url", args.redis_url] if args.redis_url else []
        command += ["--scale-run", str(count), "--feed-requests", str(args.feed_requests)]
        subprocess.run(command, check=True)  # a fresh process: its peak RSS is the training's alone


def fill(database_url: str, count: int) -> None:
    """Replace the users, movies and ratings of the database by a power-law set of `count` ratings, by COPY."""
    from sqlalchemy import func, select, text

    from moviesx.extensions import db
    from moviesx.models import Rating, User

    n_users, n_items = shape(count)
    with build_app(database_url, None).app_context():
        db.create_all()
        if db.session.scalar(select(func.count(Rating.id))) == count and db.session.scalar(select(func.max(User.id))) == n_users:
            print(f"scale {count:,}: the database already holds it")
            return
        started = time.perf_counter()
        users, items, stars, appeal = power_law_ratings(count, n_users, n_items)
        db.session.execute(text("TRUNCATE users, movies RESTART IDENTITY CASCADE"))
        cursor = db.session.connection().connection.driver_connection.cursor()
        _copy_users(cursor, n_users)
        _copy_movies(cursor, appeal)
        _copy_ratings(cursor, users + 1, items + 1, stars)
        for table in ("users", "movies", "ratings"):
            db.session.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
        db.session.commit()
    with build_app(database_url, None).app_context(), db.engine.connect() as connection:
        connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("VACUUM ANALYZE"))
    elapsed = time.perf_counter() - started
    print(f"scale {count:,}: {n_users:,} users, {n_items:,} movies, {count:,} ratings written by COPY in {elapsed:.0f} s")


def _copy_users(cursor, n_users: int) -> None:
    columns = "id, username, email, first_name, last_name, verified, boarded, is_staff, is_active, preferred_language"
    with cursor.copy(f"COPY users ({columns}, created_at, updated_at) FROM STDIN") as copy:
        for user_id in range(1, n_users + 1):
            copy.write_row(
                (user_id, f"scale_{user_id}", f"scale_{user_id}@example.com", "Scale", str(user_id))
                + (True, True, False, True, "en", CREATED, CREATED)
            )


def _copy_movies(cursor, appeal: np.ndarray) -> None:
    popularity = (100.0 * appeal / appeal.max()).tolist()
    with cursor.copy(
        "COPY movies (id, title, slug, synopsis, release_date, popularity, created_at, updated_at) FROM STDIN"
    ) as copy:
        for position, score in enumerate(popularity):
            released = datetime.fromordinal(EPOCH.toordinal() + position % 9000).date()
            copy.write_row(
                (position + 1, f"Movie {position + 1}", f"scale-movie-{position + 1}", "", released, score, CREATED, CREATED)
            )


def _copy_ratings(cursor, user_ids: np.ndarray, movie_ids: np.ndarray, stars: np.ndarray, chunk: int = 1_000_000) -> None:
    """Binary COPY straight from the numpy arrays: fixed 48-byte rows, no Python object per rating."""
    created = int((CREATED - EPOCH).total_seconds() * 1_000_000)
    with cursor.copy("COPY ratings (user_id, movie_id, rating, created_at, updated_at) FROM STDIN (FORMAT BINARY)") as copy:
        copy.write(COPY_HEADER)
        for start in range(0, len(stars), chunk):
            rows = np.zeros(min(chunk, len(stars) - start), dtype=RATING_ROW)
            rows["fields"] = 5
            rows["user_size"] = rows["movie_size"] = 4
            rows["rating_size"] = 2
            rows["created_size"] = rows["updated_size"] = 8
            rows["user_id"], rows["movie_id"] = user_ids[start : start + chunk], movie_ids[start : start + chunk]
            rows["rating"] = stars[start : start + chunk]
            rows["created_at"] = rows["updated_at"] = created
            copy.write(rows.tobytes())
        copy.write(b"\xff\xff")


def peak_rss_mb() -> float:
    """This process's peak RSS (VmHWM: ru_maxrss would keep the parent's peak across fork and exec)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(database_url: str, redis_url: str | None, count: int, feed_requests: int) -> None:
    from flask import current_app

    from moviesx.extensions import db
    from moviesx.services.feed import recommender

    overrides = {"SECRET_KEY": SECRET, "RATELIMIT_ENABLED": False, "RECOMMENDER_RETRAIN_AFTER": 0, "LOG_LEVEL": "WARNING"}
    app = build_app(database_url, redis_url, **overrides)
    with app.app_context():
        settings = recommender.settings_from_config(current_app.config)
        before = peak_rss_mb()
        c0, t0 = time.process_time(), time.perf_counter()
        users, movies, stars = recommender.positive_ratings()
        db.session.rollback()
        c1, t1 = time.process_time(), time.perf_counter()
        factors = recommender.train_factors(users, movies, stars, settings)
        c2, t2 = time.process_time(), time.perf_counter()
        recommender.store(factors, settings)
        c3, t3 = time.process_time(), time.perf_counter()
        peak = peak_rss_mb()
        manifest = recommender.stored_manifest()
        del users, movies, stars
        database = db.engine.dialect.name
    n_users, n_items = shape(count)
    print(f"scale {count:,} ratings ({n_users:,} users x {n_items:,} movies, {database}), settings {settings}:")
    print(
        f"  extraction {t1 - t0:.1f} s ({factors.ratings:,} positives from {len(factors.user_ids):,} users x "
        f"{len(factors.item_ids):,} movies), fit {t2 - t1:.1f} s, store {t3 - t2:.1f} s "
        f"({manifest['chunks']} chunk(s), {manifest['bytes'] / 2**20:.1f} MiB): total {t3 - t0:.1f} s (target < 180 s)"
    )
    print(
        f"  CPU time of this process (all threads): extraction {c1 - c0:.1f} s, fit {c2 - c1:.1f} s, store {c3 - c2:.1f} s "
        f"(the database server's share of the extraction is not in it)"
    )
    print(f"  peak RSS {peak / 1024:.2f} GiB (target < 6 GiB; {before:.0f} MiB before the extraction)")
    print(f"  load average now: {' '.join(f'{value:.1f}' for value in os.getloadavg())}")
    serve(database_url, redis_url, overrides, factors, feed_requests)


def serve(database_url: str, redis_url: str | None, overrides: dict, factors, requests: int) -> None:
    """A new app (as a web process would) loads the model, then answers the feed of users known to it."""
    from moviesx.extensions import db
    from moviesx.models import User
    from moviesx.services.accounts.tokens import issue_access
    from moviesx.services.feed import recommender

    app = build_app(database_url, redis_url, **overrides)
    with app.app_context():
        t0 = time.perf_counter()
        model = recommender.loaded_model()
        loaded = time.perf_counter() - t0
        print(f"  model load in a new app: {loaded:.2f} s ({model.user_factors.nbytes / 2**20:.0f} MiB of user factors)")
        chosen = np.random.default_rng(7).choice(factors.user_ids, size=min(requests, len(factors.user_ids)), replace=False)
        headers = [{"Authorization": f"Bearer {issue_access(db.session.get(User, int(user_id)))}"} for user_id in chosen]
        db.session.rollback()
    client = app.test_client()
    for name, seconds in (("computed (FEED_CACHE_SECONDS=0)", 0), ("cached (second request of each user)", 600)):
        app.config["FEED_CACHE_SECONDS"] = seconds
        if seconds:
            for header in headers:
                client.get("/api/movies/", headers=header)
        timings = []
        for header in headers:
            started = time.perf_counter()
            response = client.get("/api/movies/", headers=header)
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200 and len(response.get_json()) == 20, response.status_code
        timings.sort()
        p50, p99 = timings[len(timings) // 2], timings[int(len(timings) * 0.99)]
        print(
            f"  feed, {name}: p50 {1000 * p50:.1f} ms, p99 {1000 * p99:.1f} ms, "
            f"mean {1000 * statistics.fmean(timings):.1f} ms over {len(timings)} users (one in-process client)"
        )
