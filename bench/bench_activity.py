"""Friends' activity (API.md 16): GET /api/me/activity/ (limit 20) in-process against PostgreSQL.

    .venv/bin/python bench/bench_activity.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_activity]
        [--rows 1000000] [--users 10000] [--friends 500] [--requests 300] [--reset]

Creates the database `bench_activity` when it is missing (and only that one; --reset drops and recreates its tables), then,
when it holds no data, generates with COPY: `--users` users, 5,000 movies, the caller (user 1) with `--friends`
friends and 5 random friendships per user besides, and `--rows` activity-producing rows spread over a year:
50 % ratings, 30 % watches, 10 % reviews, 5 % watchlist entries, 5 % movie lists (a third friends-only, a sixth
private). Who acts is skewed (a few users do much more than most); 1 % of movies and 2 % of reviews are
soft-deleted and 2 % of users deactivated, so the criteria have something to filter. Then VACUUM ANALYZE.

Measures in-process with the Flask test client (auth, the merging statement, the batch loads, serialisation):
the first page, pages 2-10 of a walk (cursor), one kind, all with limit 20; prints p50/p95/mean and the CPU per
request of this process and its PostgreSQL backend (read from /proc: the server must be local), the queries per
page, and EXPLAIN (ANALYZE, BUFFERS) of the merging statement of a first page.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/bench_activity"
MOVIES = 5000
EXTRA_FRIENDSHIPS_PER_USER = 5
NOW = datetime(2026, 12, 1, 12, 0, 0)
YEAR_SECONDS = 365 * 24 * 3600
SHARES = {"ratings": 0.50, "watches": 0.30, "reviews": 0.10, "watchlist_entries": 0.05, "movie_lists": 0.05}


def ensure_database(url: str) -> None:
    """CREATE DATABASE when missing, through the server's `postgres` database."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def build_app(url: str):
    from moviesx import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MOVIESX_ENV": "development",
            "RATELIMIT_ENABLED": False,
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": tempfile.mkdtemp(prefix="bench-cache-"),
            "CACHE_THRESHOLD": 0,
        }
    )


def copy_rows(connection, table: str, columns: list[str], rows) -> int:
    """COPY rows (tuples) into `table` through psycopg's COPY protocol; returns the row count."""
    count = 0
    with connection.cursor() as cursor:
        with cursor.copy(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN') as copy:
            for row in rows:
                copy.write_row(row)
                count += 1
    return count


def moment(rng: random.Random) -> datetime:
    return NOW - timedelta(seconds=rng.randrange(YEAR_SECONDS), microseconds=rng.randrange(1_000_000))


def generate(users: int, rows: int, friends: int, seed: int = 15) -> dict[str, int]:
    from moviesx.extensions import db

    rng = random.Random(seed)
    counts: dict[str, int] = {}
    raw = db.engine.raw_connection()
    try:
        connection = raw.driver_connection
        started = NOW - timedelta(days=400)
        counts["users"] = copy_rows(
            connection,
            "users",
            [
                "id",
                "username",
                "email",
                "first_name",
                "last_name",
                "password_hash",
                "verified",
                "boarded",
                "is_staff",
                "is_active",
                "preferred_language",
                "created_at",
                "updated_at",
            ],
            (
                (
                    i,
                    f"u{i}",
                    f"u{i}@example.com",
                    "",
                    "",
                    None,
                    True,
                    True,
                    False,
                    i == 1 or rng.random() > 0.02,
                    "en",
                    started,
                    started,
                )
                for i in range(1, users + 1)
            ),
        )
        counts["movies"] = copy_rows(
            connection,
            "movies",
            ["id", "title", "slug", "synopsis", "release_date", "popularity", "created_at", "updated_at", "deleted_at"],
            (
                (
                    i,
                    f"Movie {i}",
                    f"movie-{i}",
                    "",
                    datetime(1950 + i % 75, 1 + i % 12, 1).date(),
                    0.0,
                    started,
                    started,
                    started if rng.random() < 0.01 else None,
                )
                for i in range(1, MOVIES + 1)
            ),
        )
        pairs: set[tuple[int, int]] = set()
        for friend in rng.sample(range(2, users + 1), friends):
            pairs.add((1, friend))
        for user in range(2, users + 1):
            for _ in range(EXTRA_FRIENDSHIPS_PER_USER):
                other = rng.randrange(2, users + 1)
                if other != user:
                    pairs.add((min(user, other), max(user, other)))
        friendship_rows = []
        request_rows = []
        for low, high in pairs:
            at = moment(rng)
            friendship_rows += [(low, high, at), (high, low, at)]
            request_rows.append((low, high, low, high, "A", at, at))
        counts["friendships"] = copy_rows(connection, "friendships", ["user_id", "friend_id", "created_at"], friendship_rows)
        copy_rows(
            connection,
            "friend_requests",
            ["from_user_id", "to_user_id", "pair_low", "pair_high", "status", "created_at", "updated_at"],
            request_rows,
        )

        def actor() -> int:
            """Skewed: a few users act much more than most."""
            return min(users, 1 + int(users * rng.random() ** 2))

        def distinct_pairs(total: int) -> list[tuple[int, int]]:
            chosen: set[tuple[int, int]] = set()
            while len(chosen) < total:
                chosen.add((actor(), rng.randrange(1, MOVIES + 1)))
            return list(chosen)

        share = {table: int(rows * fraction) for table, fraction in SHARES.items()}
        rating_rows = []
        for user, movie in distinct_pairs(share["ratings"]):
            created = moment(rng)
            rated = created + (NOW - created) * rng.random() * 0.2
            rating_rows.append((user, movie, rng.randint(1, 5), created, rated, rated))
        counts["ratings"] = copy_rows(
            connection, "ratings", ["user_id", "movie_id", "rating", "created_at", "updated_at", "rated_at"], rating_rows
        )
        counts["watches"] = copy_rows(
            connection,
            "watches",
            ["user_id", "movie_id", "watched_on", "rating", "note", "created_at"],
            (
                (actor(), rng.randrange(1, MOVIES + 1), at.date(), rng.choice([None, 1, 2, 3, 4, 5]), "", at)
                for at in (moment(rng) for _ in range(share["watches"]))
            ),
        )
        counts["reviews"] = copy_rows(
            connection,
            "reviews",
            ["user_id", "movie_id", "title", "content", "is_positive", "created_at", "updated_at", "deleted_at"],
            (
                (user, movie, "A review", "Worth watching.", True, at, at, at if rng.random() < 0.02 else None)
                for (user, movie), at in ((pair, moment(rng)) for pair in distinct_pairs(share["reviews"]))
            ),
        )
        counts["watchlist_entries"] = copy_rows(
            connection,
            "watchlist_entries",
            ["user_id", "movie_id", "created_at"],
            ((user, movie, moment(rng)) for user, movie in distinct_pairs(share["watchlist_entries"])),
        )
        list_rows = []
        for index in range(share["movie_lists"]):
            at = moment(rng)
            list_rows.append((actor(), f"List {index}", f"list-{index}", "", rng.choice("PPPFFR"), at, at))
        counts["movie_lists"] = copy_rows(
            connection,
            "movie_lists",
            ["user_id", "name", "slug", "description", "privacity", "created_at", "updated_at"],
            list_rows,
        )
        for table in ("users", "movies", "ratings", "reviews", "watches", "watchlist_entries", "movie_lists", "friend_requests"):
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        connection.commit()
        connection.autocommit = True
        connection.execute("VACUUM ANALYZE")  # statistics and the visibility map, as autovacuum would leave them
    finally:
        raw.close()
    return counts


def timed(client, headers, runs: int, query, meter) -> tuple[list[float], float]:
    """Wall milliseconds per request, and the mean CPU milliseconds of one (this process and the PostgreSQL
    backend, bench_diary.CpuMeter); `query()` gives each request's query string."""
    wall = []
    started_cpu = meter.seconds()
    for _ in range(runs):
        params = query()
        started = time.perf_counter()
        response = client.get("/api/me/activity/", headers=headers, query_string=params)
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.get_json()
    return wall, (meter.seconds() - started_cpu) * 1000 / runs


def report(name: str, samples: tuple[list[float], float]) -> None:
    wall, cpu = sorted(samples[0]), samples[1]
    p95 = wall[int(len(wall) * 0.95) - 1]
    print(
        f"{name:<32} p50 {statistics.median(wall):6.2f} ms  p95 {p95:6.2f} ms  mean {statistics.fmean(wall):6.2f} ms"
        f"  CPU {cpu:5.2f} ms"
    )


def explain(stmt, params: dict, runs: int = 20) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the statement; the median server time of `runs` more."""
    from moviesx.extensions import db

    compiled = stmt.compile(dialect=db.engine.dialect)
    state = compiled.construct_expanded_state(params)
    connection = db.session.connection()

    def plan() -> list[str]:
        return connection.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + state.statement, state.parameters).scalars().all()

    lines = plan()
    times = []
    for _ in range(runs):
        tail = plan()[-2:]
        times.append(sum(float(line.split(": ")[1].removesuffix(" ms")) for line in tail))
    print("\n".join(lines))
    print(f"server time (planning + execution), median of {runs}: {statistics.median(times):.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_URL)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--friends", type=int, default=500)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--reset", action="store_true", help="empty every table of that database first")
    args = parser.parse_args()

    ensure_database(args.database_url)
    app = build_app(args.database_url)
    logging.getLogger("moviesx.requests").setLevel(logging.WARNING)  # one log line per request would be measured too
    with app.app_context():
        from bench_diary import CpuMeter
        from sqlalchemy import event, func, select

        from moviesx.extensions import db
        from moviesx.models import Rating, User
        from moviesx.services.accounts.tokens import issue_access
        from moviesx.services.activity.kinds import chosen
        from moviesx.services.activity.stream import merged, parameters
        from moviesx.services.social.friends import friend_ids

        if args.reset:
            db.drop_all()
        db.create_all()
        if not db.session.scalar(select(func.count(User.id))):
            started = time.perf_counter()
            counts = generate(args.users, args.rows, args.friends)
            activity = sum(counts[table] for table in SHARES)
            print(
                f"generated in {time.perf_counter() - started:.1f} s: {activity:,} activity rows "
                f"({', '.join(f'{table} {counts[table]:,}' for table in (*SHARES, 'friendships'))})"
            )
        caller = db.session.get(User, 1)
        others = db.session.scalar(select(func.count()).select_from(User).where(User.id != caller.id))
        print(
            f"caller u1: {args.friends} friends; {others:,} other users; "
            f"{db.session.scalar(select(func.count(Rating.id))):,} ratings"
        )
        headers = {"Authorization": f"Bearer {issue_access(caller)}"}
        client = app.test_client()

        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        first = client.get("/api/me/activity/", headers=headers).get_json()
        event.remove(db.engine, "before_cursor_execute", record)
        print(
            f"queries per page: {len(statements)} ({len(first['results'])} items, kinds "
            f"{sorted({item['kind'] for item in first['results']})})"
        )

        cursors = [None]
        for _ in range(10):
            page = client.get("/api/me/activity/", headers=headers, query_string={"cursor": cursors[-1]} if cursors[-1] else {})
            cursors.append(page.get_json()["next_cursor"])
        deeper = [cursor for cursor in cursors[1:] if cursor]

        meter = CpuMeter(db.engine)
        db.engine.dispose()  # new connections, whose backends the meter follows
        timed(client, headers, 20, dict, meter)  # warm-up
        print(f"in-process, {args.requests} requests each; load average {os.getloadavg()[0]:.1f}; CPU = this process and")
        print("its PostgreSQL backend per request (unlike wall time, not inflated by other processes' load):")
        report("first page (limit 20)", timed(client, headers, args.requests, dict, meter))
        deeper_pages = timed(client, headers, args.requests, lambda: {"cursor": random.choice(deeper)}, meter)
        report("pages 2-10 (cursor, limit 20)", deeper_pages)
        report("kinds[]=listed (limit 20)", timed(client, headers, args.requests, lambda: {"kinds[]": "listed"}, meter))
        report("limit 100", timed(client, headers, max(20, args.requests // 5), lambda: {"limit": 100}, meter))

        friends = list(db.session.scalars(friend_ids(caller.id)))
        stmt = merged(tuple(kind.name for kind in chosen([])), None, "postgresql")
        print("\nEXPLAIN (ANALYZE, BUFFERS) of the merging statement (first page, every kind):")
        explain(stmt, parameters(caller.id, friends, None, 21))


if __name__ == "__main__":
    main()
