"""Throughput and latency of movie detail and movie search, served by gunicorn against PostgreSQL.

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/bench python bench/bench_catalog.py \
        [--requests 2000] [--threads 16] [--workers 4] [--data bench/data/ml-100k]
    DATABASE_URL=... [REDIS_URL=redis://127.0.0.1:6379/14] python bench/bench_catalog.py --in-process [--requests 500]

Creates the tables if missing, imports the MovieLens catalogue when no `ml-` movie exists (fetch it first
with bench/get-movielens.sh bench/data/ml-100k), creates a verified bench user, starts
gunicorn on 127.0.0.1 with rate limiting off, then sends a bounded number of requests per scenario from a
thread pool. Prints requests/second, p50 and p99 per scenario, and the SQL queries one request costs
(measured in-process with the Flask test client).

`--in-process` starts no server: it times the catalogue reads of API.md 5.3-5.7 and a 304 answer (20) one after
the other with the Flask test client (no HTTP, no concurrency), with the cache on Redis when REDIS_URL is set.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SECRET = "bench-catalog-secret-key-bench-catalog-secret"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def prepare(url: str, data: str, instance: str) -> tuple[str, list[str], list[str]]:
    """Schema, catalogue and bench user; returns a token, movie slugs and genre slugs."""
    from sqlalchemy import select

    from moviesx import create_app
    from moviesx.extensions import db
    from moviesx.models import Genre, Movie, User
    from moviesx.services.accounts.tokens import issue_access
    from moviesx.services.ops.movielens import read_dataset
    from moviesx.services.ops.movielens_import import import_dataset

    app = create_app(
        {
            "INSTANCE_PATH": instance,
            "MOVIESX_ENV": "testing",
            "SECRET_KEY": SECRET,
            "SQLALCHEMY_DATABASE_URI": url,
            "MEDIA_ROOT": f"{instance}/media",
        }
    )
    with app.app_context():
        db.create_all()
        if db.session.scalar(select(Movie.id).where(Movie.slug.startswith("ml-")).limit(1)) is None:
            started = time.perf_counter()
            import_dataset(read_dataset(data))
            print(f"imported {data} in {time.perf_counter() - started:.1f} s")
        user = db.session.scalar(select(User).where(User.username == "bench_user"))
        if user is None:
            user = User(username="bench_user", email="bench@bench.invalid", verified=True, boarded=True)
            db.session.add(user)
            db.session.commit()
        token = issue_access(user)
        slugs = list(db.session.scalars(select(Movie.slug).where(Movie.slug.startswith("ml-"))))
        genres = list(db.session.scalars(select(Genre.slug)))
        print(f"catalogue: {len(slugs)} MovieLens movies, {len(genres)} genres")
        print_queries_per_request(app, token, slugs, genres)
    return token, slugs, genres


def print_queries_per_request(app, token: str, slugs: list[str], genres: list[str]) -> None:
    from sqlalchemy import event

    from moviesx.extensions import db

    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    for label, path in scenario_paths(slugs, genres, random.Random(1), 1).items():
        client.get(path[0], headers=headers)
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany, statements=statements):  # noqa: ARG001
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            status = client.get(path[0], headers=headers).status_code
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        print(f"queries per request  {label:<28} {len(statements):>3}  (status {status})")


def add_credits(app, slugs: list[str]) -> None:
    """Persons (with awards and a biography) credited on MovieLens movies, awards and platforms, once."""
    from sqlalchemy import select

    from moviesx.extensions import db
    from moviesx.models import Award, Movie, Person, Platform, movie_actors, movie_directors

    with app.app_context():
        if db.session.scalar(select(Person.id).where(Person.slug.startswith("bench-")).limit(1)) is not None:
            return
        rng = random.Random(7)
        awards = [Award(name=f"Bench award {n}", slug=f"bench-award-{n}", category="BP") for n in range(20)]
        platforms = [
            Platform(name=f"Bench platform {n}", slug=f"bench-platform-{n}", url="https://example.org") for n in range(6)
        ]
        people = [
            Person(name=f"Bench Person {n}", slug=f"bench-person-{n}", biography="A person. " * 40, awards=rng.sample(awards, 2))
            for n in range(300)
        ]
        db.session.add_all([*awards, *platforms, *people])
        db.session.flush()
        for movie in db.session.scalars(select(Movie).where(Movie.slug.in_(slugs))):
            movie.platforms = rng.sample(platforms, 2)
            movie.awards = rng.sample(awards, 1)
            for table, count in ((movie_actors, 4), (movie_directors, 1)):
                for position, person in enumerate(rng.sample(people, count)):
                    db.session.execute(table.insert().values(movie_id=movie.id, person_id=person.id, position=position))
        db.session.commit()


def in_process(app, token: str, slugs: list[str], requests: int) -> None:
    """Time each catalogue read with the test client, warm (after one pass over the same paths), and count queries."""
    from sqlalchemy import event

    from moviesx.extensions import db

    rng = random.Random(3)
    headers = {"Authorization": f"Bearer {token}"}
    movies = [f"/api/movies/{rng.choice(slugs)}/" for _ in range(200)]
    persons = [f"/api/persons/bench-person-{rng.randrange(300)}/" for _ in range(200)]
    scenarios = {
        "movie detail": movies,
        "person detail": persons,
        "genres": ["/api/genres/"],
        "platforms": ["/api/platforms/"],
        "award detail": ["/api/awards/bench-award-3/"],
        "search name=the&limit=10": ["/api/movies/searching/?name=the&limit=10"],
        "search name=the&limit=50": ["/api/movies/searching/?name=the&limit=50"],
    }
    client = app.test_client()
    statements: list[str] = []

    def record(*_args) -> None:
        statements.append("")

    with app.app_context():
        engine = db.engine
    for label, paths in [*scenarios.items(), ("movie detail 304", movies)]:  # each request in its own app context
        conditional = label.endswith("304")
        tags = {}
        for path in paths:  # warm-up, and the tags for the 304 scenario
            tags[path] = client.get(path, headers=headers).headers.get("ETag")
        event.listen(engine, "before_cursor_execute", record)
        statements.clear()
        client.get(paths[0], headers=headers)
        queries = len(statements)
        event.remove(engine, "before_cursor_execute", record)
        timings, statuses = [], set()
        cpu = time.process_time()
        for n in range(requests):
            path = paths[n % len(paths)]
            extra = {"If-None-Match": tags[path]} if conditional and tags[path] else {}
            started = time.perf_counter()
            response = client.get(path, headers={**headers, **extra})
            timings.append(time.perf_counter() - started)
            statuses.add(response.status_code)
        cpu = (time.process_time() - cpu) / requests
        timings.sort()
        print(
            f"{label:<26} mean {statistics.mean(timings) * 1000:6.2f} ms  p50 {percentile(timings, 0.5) * 1000:6.2f} ms  "
            f"p99 {percentile(timings, 0.99) * 1000:6.2f} ms  app CPU {cpu * 1000:5.2f} ms  queries {queries:>2}  "
            f"statuses {sorted(statuses)}"
        )


def scenario_paths(slugs: list[str], genres: list[str], rng: random.Random, count: int) -> dict[str, list[str]]:
    return {
        "movie detail": [f"/api/movies/{rng.choice(slugs)}/" for _ in range(count)],
        "search (no filter, limit 20)": [f"/api/movies/searching/?limit=20&page={rng.randint(1, 50)}" for _ in range(count)],
        "search (name + genre)": [
            f"/api/movies/searching/?name={rng.choice('aeiou')}&genres[]={rng.choice(genres)}" for _ in range(count)
        ],
    }


def drive(port: int, token: str, paths: list[str], threads: int) -> tuple[float, list[float], int]:
    """Send every path once from a thread pool (one keep-alive connection per thread)."""
    local = threading.local()
    headers = {"Authorization": f"Bearer {token}"}

    def fetch(path: str) -> tuple[float, int]:
        if not hasattr(local, "conn"):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        started = time.perf_counter()
        try:
            local.conn.request("GET", path, headers=headers)
            response = local.conn.getresponse()
            response.read()
            status = response.status
        except (http.client.HTTPException, OSError):
            local.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            status = 0
        return time.perf_counter() - started, status

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        results = list(pool.map(fetch, paths))
    elapsed = time.perf_counter() - started
    errors = sum(1 for _, status in results if status != 200)
    return elapsed, sorted(latency for latency, _ in results), errors


def percentile(values: list[float], fraction: float) -> float:
    return values[min(len(values) - 1, int(fraction * len(values)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=2000, help="requests per scenario")
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--data", default=str(ROOT / "bench" / "data" / "ml-100k"))
    parser.add_argument("--in-process", action="store_true", help="time the reads with the Flask test client, no server")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgresql"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database, e.g. postgresql+psycopg://postgres@127.0.0.1:5432/bench")

    instance = tempfile.mkdtemp(prefix="moviesx-bench-")
    if args.in_process:
        os.environ.update(LOG_LEVEL="WARNING", RATELIMIT_ENABLED="false")
    token, slugs, genres = prepare(url, args.data, instance)
    if args.in_process:
        from moviesx import create_app

        os.environ.update(SECRET_KEY=SECRET, DATABASE_URL=url)
        app = create_app({"INSTANCE_PATH": instance, "MEDIA_ROOT": f"{instance}/media"})
        add_credits(app, slugs)
        in_process(app, token, slugs, args.requests)
        return
    port = free_port()
    env = {
        **os.environ,
        "MOVIESX_ENV": "production",
        "SECRET_KEY": SECRET,
        "DATABASE_URL": url,
        "RATELIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
        "MEDIA_ROOT": f"{instance}/media",
    }
    env.pop("REDIS_URL", None)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "--workers", str(args.workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or server.poll() is not None:
                sys.exit("gunicorn did not start")
            time.sleep(0.2)
        print(
            f"gunicorn: {args.workers} workers on 127.0.0.1:{port}; {args.requests} requests per scenario, "
            f"{args.threads} client threads"
        )
        rng = random.Random(42)
        for label, paths in scenario_paths(slugs, genres, rng, args.requests).items():
            drive(port, token, paths[: min(50, len(paths))], args.threads)  # warm-up
            elapsed, latencies, errors = drive(port, token, paths, args.threads)
            print(
                f"{label:<30} {len(paths) / elapsed:8.1f} req/s   p50 {percentile(latencies, 0.5) * 1000:7.1f} ms   "
                f"p99 {percentile(latencies, 0.99) * 1000:7.1f} ms   mean {statistics.mean(latencies) * 1000:7.1f} ms"
                f"   non-200: {errors}"
            )
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
