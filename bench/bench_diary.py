"""Diary stats (API.md 15) for a user with 5,000 watches, in-process on PostgreSQL (target < 50 ms).

    .venv/bin/python bench/bench_diary.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/moviesx_bench
        [--watches 5000] [--others 40] [--runs 200] [--reset]

Builds (once per database; `--reset` drops every table first) a synthetic catalogue of 6,000 movies (2 genres,
3 actors and a director each), the user `bench_diary` with `--watches` watches over 2019-2026 (about one in eight a
rewatch) and ratings of most of those movies, and `--others` users with as many watches each, so that the user's
rows are a small part of the table; then runs ANALYZE. Measures `services.diary.stats.diary_stats` for one year and
for every year (p50, p95, mean over `--runs`), the same through the test client (`GET /api/users/bench_diary/stats/`,
authentication and JSON included), the SQL statements one call runs, and the plan of the totals query.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import event

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MOVIES, GENRES, PERSONS = 6000, 20, 600
USERNAME = "bench_diary"


def build_app(database_url: str):
    from moviesx import create_app

    cache = {"CACHE_TYPE": "FileSystemCache", "CACHE_DIR": tempfile.mkdtemp(prefix="bench-cache-"), "CACHE_THRESHOLD": 0}
    return create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "MOVIESX_ENV": "development", "RATELIMIT_ENABLED": False, **cache}
    )


def ensure_data(watches: int, others: int, reset: bool) -> None:
    from sqlalchemy import insert, select, text

    from moviesx.extensions import db
    from moviesx.models import Genre, Movie, Person, Rating, User, Watch, movie_actors, movie_directors, movie_genres

    if reset:
        db.drop_all()
    db.create_all()
    if db.session.scalar(select(User.id).where(User.username == USERNAME)) is not None:
        return
    started = time.perf_counter()
    rng = random.Random(15)
    now = date(2026, 12, 1)
    db.session.execute(insert(Genre), [{"name": f"Genre {n}", "slug": f"bench-genre-{n}"} for n in range(GENRES)])
    db.session.execute(
        insert(Person), [{"name": f"Person {n}", "slug": f"bench-person-{n}", "gender": 0} for n in range(PERSONS)]
    )
    db.session.execute(
        insert(Movie),
        [
            {"title": f"Bench movie {n}", "slug": f"bench-movie-{n}", "synopsis": "", "release_date": date(1990 + n % 35, 1, 1)}
            for n in range(MOVIES)
        ],
    )
    genre_ids = list(db.session.scalars(select(Genre.id)))
    person_ids = list(db.session.scalars(select(Person.id)))
    movie_ids = list(db.session.scalars(select(Movie.id)))
    db.session.execute(
        insert(movie_genres),
        [{"movie_id": m, "genre_id": g} for m in movie_ids for g in rng.sample(genre_ids, 2)],
    )
    db.session.execute(
        insert(movie_actors),
        [{"movie_id": m, "person_id": p, "position": i} for m in movie_ids for i, p in enumerate(rng.sample(person_ids, 3))],
    )
    db.session.execute(
        insert(movie_directors), [{"movie_id": m, "person_id": rng.choice(person_ids), "position": 0} for m in movie_ids]
    )
    names = [USERNAME] + [f"bench_diary_other_{n}" for n in range(others)]
    db.session.execute(
        insert(User),
        [
            {
                "username": name,
                "email": f"{name}@bench.local",
                "first_name": "B",
                "last_name": "D",
                "verified": True,
                "boarded": True,
            }
            for name in names
        ],
    )
    user_ids = list(db.session.scalars(select(User.id).where(User.username.in_(names))))
    for user_id in user_ids:
        seen = rng.sample(movie_ids, int(watches * 7 / 8))
        rows = [
            {
                "user_id": user_id,
                "movie_id": rng.choice(seen) if index >= len(seen) else seen[index],
                "watched_on": now - timedelta(days=rng.randint(0, 8 * 365)),
                "rating": rng.choice((None, 3, 4, 5)),
                "note": "",
            }
            for index in range(watches)
        ]
        db.session.execute(insert(Watch), rows)
        db.session.execute(
            insert(Rating),
            [{"user_id": user_id, "movie_id": m, "rating": rng.randint(1, 5)} for m in seen if rng.random() < 0.8],
        )
    db.session.commit()
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    print(f"data: {len(user_ids)} users x {watches} watches, {MOVIES} movies, in {time.perf_counter() - started:.1f} s")


class CpuMeter:
    """CPU seconds spent by this process and by the PostgreSQL backends of its connections (read from /proc, so
    only when the server runs on this machine): a cost that, unlike wall time, does not grow with the load that other
    processes put on the machine."""

    def __init__(self, engine):
        self.backends: set[int] = set()
        event.listen(engine, "connect", lambda connection, _record: self.backends.add(connection.info.backend_pid))

    def seconds(self) -> float:
        server = 0
        for pid in self.backends:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            server += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
        return time.process_time() + server / os.sysconf("SC_CLK_TCK")


def timed(function, runs: int, meter: CpuMeter) -> tuple[list[float], float]:
    """Wall milliseconds of each run, and the mean CPU milliseconds of one (client and database server)."""
    function()  # warm: first-query plans, connection
    durations = []
    cpu = meter.seconds()
    for _ in range(runs):
        started = time.perf_counter()
        function()
        durations.append((time.perf_counter() - started) * 1000)
    return durations, (meter.seconds() - cpu) * 1000 / runs


def report(label: str, measured: tuple[list[float], float]) -> None:
    durations, cpu = sorted(measured[0]), measured[1]
    p95 = durations[int(len(durations) * 0.95) - 1]
    print(
        f"  {label}: wall p50 {statistics.median(durations):.2f} ms, p95 {p95:.2f} ms, mean "
        f"{statistics.fmean(durations):.2f} ms; CPU {cpu:.2f} ms per call"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--watches", type=int, default=5000)
    parser.add_argument("--others", type=int, default=40)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--reset", action="store_true", help="drop every table of that database first")
    args = parser.parse_args()
    if not args.database_url.startswith("postgresql"):
        sys.exit("bench_diary needs PostgreSQL (--database-url postgresql+psycopg://...)")

    from sqlalchemy import select, text

    from moviesx.extensions import db
    from moviesx.models import User
    from moviesx.services.accounts.tokens import issue_access
    from moviesx.services.diary.stats import diary_stats, totals_statement

    app = build_app(args.database_url)
    with app.app_context():
        meter = CpuMeter(db.engine)
        ensure_data(args.watches, args.others, args.reset)
        user = db.session.scalar(select(User).where(User.username == USERNAME))
        figures = diary_stats(user, 2026)
        print(
            f"stats of {USERNAME}: {diary_stats(user)['watches']} watches in all; 2026: {figures['watches']} watches, "
            f"{figures['movies']} movies, {figures['rewatches']} rewatches, average {figures['average_rating']}"
        )
        statements: list[str] = []
        listener = lambda *a: statements.append(a[2])  # noqa: E731 - (conn, cursor, statement, ...)
        event.listen(db.engine, "before_cursor_execute", listener)
        diary_stats(user, 2026)
        event.remove(db.engine, "before_cursor_execute", listener)
        print(f"SQL statements per call: {len(statements)}")

        print(f"in-process, {args.runs} runs each (target < 50 ms); load average {os.getloadavg()[0]:.1f}:")
        report("diary_stats(year=2026)", timed(lambda: diary_stats(user, 2026), args.runs, meter))
        report("diary_stats(every year)", timed(lambda: diary_stats(user), args.runs, meter))
        client = app.test_client()
        headers = {"Authorization": f"Bearer {issue_access(user)}"}
        for query in ("?year=2026", ""):
            path = f"/api/users/{USERNAME}/stats/{query}"
            assert client.get(path, headers=headers).status_code == 200
            report(f"GET {path}", timed(lambda path=path: client.get(path, headers=headers), args.runs, meter))

        totals = totals_statement(user, 2026).compile(db.engine, compile_kwargs={"literal_binds": True})
        print("plan of the totals query (year=2026):")
        for (line,) in db.session.execute(text(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {totals}")):
            print(f"    {line}")
        db.session.rollback()


if __name__ == "__main__":
    main()
