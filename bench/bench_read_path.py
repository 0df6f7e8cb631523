"""The read path against the limit of the stack (issue 14): each endpoint's throughput as a ratio to a bare app.

    .venv/bin/python bench/bench_read_path.py [--seconds 15] [--connections 32] [--workers 4] [--threads 4]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_read_path] [--redis-url redis://127.0.0.1:6379/1]

Creates the database when it is missing and fills it once: MovieLens-100k (bench/get-movielens.sh bench/data/ml-100k),
plus 1,000 persons credited on every movie, 10 awards, 4 platforms, and for the user `ml_1` (272 ratings) two
platforms, 20 friends and a public list of 50 movies; vacuums it at every run (autovacuum is off on this machine).
Trains the model into the Redis db, then starts, one after the other, the bare reference app (bench/bare_app.py), the
MoviesX app under gunicorn.conf.py with the same worker settings (and the production layout's `rq worker`), and the bare
app again, and drives each row with wrk for --seconds (after a 3 s warm-up). Prints req/s, p50, p99, the answers that
were not the expected status, and the ratio of req/s to the bare app's, averaged over its first and last measurement
(the machine's speed drifts during a run; the two bare rows show by how much).
Rate limiting and the retrain counter are off on the server under test. The rating PUT row really changes ml_1's
ratings (to 4 or 5 stars) in that database.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_feed import BIN, SECRET, start_server, wait_until_up  # noqa: E402

from moviesx.config import REDIS_CACHE_TYPE  # noqa: E402

USERNAME = "ml_1"
FRIENDS = 20
LIST_SLUG = "bench-list"
LIST_SIZE = 50


@dataclass
class Row:
    """One wrk run: requests cycled over `requests` ((method, path, headers, body)), expecting `status`."""

    name: str
    requests: list[tuple[str, str, dict, str | None]]
    status: int = 200
    server: str = "app"  # app, computed (FEED_CACHE_SECONDS=0), bare (first) or bare-last
    skipped: str | None = None
    figures: dict = field(default_factory=dict)


def ensure_database(database_url: str) -> None:
    import psycopg
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    with psycopg.connect(
        host=url.host, port=url.port or 5432, user=url.username, password=url.password, dbname="postgres", autocommit=True
    ) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (url.database,)).fetchone() is None:
            connection.execute(f'CREATE DATABASE "{url.database}"')


def fill_extras() -> None:
    """Persons, awards, platforms, ml_1's platforms, friends and list: once (the platform `bench-stream-1` marks it)."""
    from sqlalchemy import insert, select

    from moviesx.extensions import db
    from moviesx.models import (
        Award,
        Friendship,
        Movie,
        MovieList,
        MovieListItem,
        Person,
        Platform,
        User,
        movie_actors,
        movie_awards,
        movie_directors,
        movie_platforms,
        person_awards,
        user_platforms,
    )

    if db.session.scalar(select(Platform.id).where(Platform.slug == "bench-stream-1")) is not None:
        return
    movie_ids = list(db.session.scalars(select(Movie.id).order_by(Movie.id)))
    platforms = [Platform(name=f"Bench stream {n}", slug=f"bench-stream-{n}", url="https://example.com") for n in range(1, 5)]
    awards = [Award(name=f"Bench award {n}", slug=f"bench-award-{n}", category="BP") for n in range(1, 11)]
    persons = [
        Person(name=f"Bench Person {n}", slug=f"bench-person-{n}", biography=f"Biography {n}. " * 20, gender=n % 4)
        for n in range(1, 1001)
    ]
    db.session.add_all([*platforms, *awards, *persons])
    db.session.flush()
    session = db.session
    session.execute(
        insert(movie_platforms),
        [{"movie_id": m, "platform_id": platforms[m % 5].id} for m in movie_ids if m % 5 < 4],
    )
    session.execute(insert(movie_awards), [{"movie_id": m, "award_id": awards[m % 10].id} for m in movie_ids if m % 17 == 0])
    session.execute(
        insert(movie_actors),
        [{"movie_id": m, "person_id": persons[(m * 3 + k) % 1000].id, "position": k} for m in movie_ids for k in range(3)],
    )
    session.execute(
        insert(movie_directors), [{"movie_id": m, "person_id": persons[(m * 7 + 1) % 1000].id, "position": 0} for m in movie_ids]
    )
    session.execute(
        insert(person_awards), [{"person_id": p.id, "award_id": awards[n % 10].id} for n, p in enumerate(persons[:50])]
    )
    user = session.scalar(select(User).where(User.username == USERNAME))
    session.execute(insert(user_platforms), [{"user_id": user.id, "platform_id": p.id} for p in platforms[:2]])
    friends = session.scalars(select(User.id).where(User.username.in_([f"ml_{n}" for n in range(2, 2 + FRIENDS)])))
    for friend_id in friends:
        session.add_all([Friendship(user_id=user.id, friend_id=friend_id), Friendship(user_id=friend_id, friend_id=user.id)])
    movie_list = MovieList(user_id=user.id, name="Bench list", slug=LIST_SLUG, privacity="P")
    session.add(movie_list)
    session.flush()
    session.add_all(
        MovieListItem(movie_list_id=movie_list.id, movie_id=m, position=n) for n, m in enumerate(movie_ids[:LIST_SIZE])
    )
    session.commit()


def settle() -> None:
    """VACUUM ANALYZE, as autovacuum would after the bulk load and after the rating PUT row's updates of an earlier run
    (this machine's PostgreSQL runs with autovacuum off): without the visibility map no index-only scan is possible."""
    from sqlalchemy import text

    from moviesx.extensions import db

    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE"))


def prepare(database_url: str, redis_url: str, data_dir: str) -> dict:
    """Fill the database once, train the model, and return what the rows need."""
    from bench_recommender import build_app, ensure_movielens
    from sqlalchemy import select

    from moviesx.extensions import db
    from moviesx.models import Movie, Person, Rating, User
    from moviesx.services.accounts.tokens import issue_access
    from moviesx.services.feed import recommender

    ensure_database(database_url)
    app = build_app(database_url, redis_url)
    app.config["SECRET_KEY"] = SECRET
    with app.app_context():
        ensure_movielens(data_dir)
        fill_extras()
        settle()
        result = recommender.retrain()
        print(result.message() if result else recommender.NO_RATINGS)
        user = db.session.scalar(select(User).where(User.username == USERNAME))
        return {
            "token": issue_access(user),
            "movies": list(db.session.scalars(select(Movie.slug).order_by(Movie.id).limit(200))),
            "persons": list(db.session.scalars(select(Person.slug).order_by(Person.id).limit(200))),
            "rated": list(
                db.session.scalars(
                    select(Movie.slug).join(Rating, Rating.movie_id == Movie.id).where(Rating.user_id == user.id).limit(100)
                )
            ),
        }


def rows_for(data: dict) -> list[Row]:
    auth = {"Authorization": f"Bearer {data['token']}"}
    put = {**auth, "Content-Type": "application/json"}

    def gets(paths: list[str]) -> list[tuple]:
        return [("GET", path, auth, None) for path in paths]

    bare = [("GET", f"/items/item-{n}/", {}, None) for n in range(1, 20_001, 37)]
    return [
        Row("bare app, one lookup", bare, server="bare"),
        Row("GET /api/movies/<slug>/", gets([f"/api/movies/{slug}/" for slug in data["movies"]])),
        Row("GET /api/movies/<slug>/ (304)", [], status=304),  # its requests need the ETags of a running server
        Row("GET /api/persons/<slug>/", gets([f"/api/persons/{slug}/" for slug in data["persons"]])),
        Row("GET /api/genres/", gets(["/api/genres/"])),
        Row("GET /api/platforms/", gets(["/api/platforms/"])),
        Row("GET /api/users/ (own profile)", gets(["/api/users/"])),
        Row(f"GET /api/movies-lists/{USERNAME}/{LIST_SLUG}/ ({LIST_SIZE})", gets([f"/api/movies-lists/{USERNAME}/{LIST_SLUG}/"])),
        Row("GET /api/movies/searching/?name=the&limit=10", gets(["/api/movies/searching/?name=the&limit=10"])),
        Row("GET /api/movies/ (feed, cached)", gets(["/api/movies/"])),
        Row(
            "PUT /api/movies/<slug>/ratings/",
            [
                ("PUT", f"/api/movies/{slug}/ratings/", put, json.dumps({"rating": 4 + n % 2}))
                for n, slug in enumerate(data["rated"])
            ],
        ),
        Row("GET /api/movies/ (FEED_CACHE_SECONDS=0)", gets(["/api/movies/"]), server="computed"),
        Row("bare app, one lookup (again, last)", bare, server="bare-last"),
    ]


def conditional_requests(port: int, token: str, slugs: list[str]) -> list[tuple]:
    """GETs of movie details with If-None-Match set to the ETag of a first GET (none when the app sends no ETag)."""
    import http.client

    auth = {"Authorization": f"Bearer {token}"}
    requests = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for slug in slugs:
        connection.request("GET", f"/api/movies/{slug}/", headers=auth)
        response = connection.getresponse()
        response.read()
        if response.status == 200 and response.getheader("ETag"):
            requests.append(("GET", f"/api/movies/{slug}/", {**auth, "If-None-Match": response.getheader("ETag")}, None))
    connection.close()
    return requests


WRK_SCRIPT = """
local specs = {%(specs)s}
local expected = %(status)d
local prepared = {}
local threads = {}
local counter = 0
unexpected = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  for i, spec in ipairs(specs) do
    prepared[i] = wrk.format(spec[1], spec[2], spec[3], spec[4])
  end
end

function request()
  counter = counter + 1
  return prepared[(counter * 2 + id) %% #prepared + 1]
end

function response(status, headers, body)
  if status ~= expected then
    unexpected = unexpected + 1
  end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do
    bad = bad + thread:get("unexpected")
  end
  local errors = summary.errors
  io.write(string.format("WRK %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration, bad,
    errors.connect + errors.read + errors.write + errors.timeout, latency:percentile(50), latency:percentile(99)))
end
"""


def _lua(value) -> str:
    if value is None:
        return "nil"
    if isinstance(value, dict):
        return "{" + ", ".join(f"[{_lua(key)}] = {_lua(item)}" for key, item in value.items()) + "}"
    return json.dumps(value)  # ASCII JSON strings are valid Lua strings


def run_wrk(port: int, row: Row, seconds: int, connections: int) -> dict:
    specs = ", ".join("{" + ", ".join(_lua(part) for part in spec) + "}" for spec in row.requests)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(WRK_SCRIPT % {"specs": specs, "status": row.status})
    try:
        command = [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            handle.name,
            f"http://127.0.0.1:{port}",
        ]
        wrk = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        time.sleep(min(2, seconds / 2))
        spread = connections_per_worker(port)
        output, _ = wrk.communicate()
        if wrk.returncode:
            raise subprocess.CalledProcessError(wrk.returncode, command)
    finally:
        os.unlink(handle.name)
    requests, duration, bad, socket_errors, p50, p99 = (int(value) for value in output.split("WRK ")[1].split())
    return {
        "rps": requests / (duration / 1e6),
        "p50": p50 / 1000,
        "p99": p99 / 1000,
        "unexpected": bad,
        "socket_errors": socket_errors,
        "spread": spread,
    }


def connections_per_worker(port: int) -> str:
    """How the open connections to `port` are spread over the server's processes, busiest first ("12/9/6/5"): a
    gunicorn worker keeps the keep-alive connections it accepted, so an uneven spread caps a run at fewer cores."""
    listing = subprocess.run(
        ["ss", "-Htnp", "state", "established", f"( sport = :{port} )"], capture_output=True, text=True
    ).stdout
    counts = Counter(re.findall(r"pid=(\d+)", listing))
    return "/".join(str(count) for count in sorted(counts.values(), reverse=True)) or "?"


def start_bare(database_url: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    env = {**os.environ, "BARE_DATABASE_URL": database_url, "GUNICORN_WORKERS": str(workers), "GUNICORN_THREADS": str(threads)}
    subprocess.run([sys.executable, str(ROOT / "bench" / "bare_app.py"), "fill"], env=env, check=True)
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--pythonpath",
            str(ROOT / "bench"),
            "bare_app:app",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    server.worker = None
    if not wait_until_up(port):
        server.terminate()
        raise SystemExit("the bare app did not start")
    return server


def stop(server: subprocess.Popen) -> None:
    """Terminate the server and its worker; kill what has not stopped after 30 s (a request stuck in a busy box)."""
    processes = [process for process in (server, server.worker) if process is not None]
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def in_process(database_url: str, redis_url: str, rows: list[Row], repeats: int) -> None:
    """Each row's requests through the Flask test client, one at a time: median time and SQL statements per request
    (the figures the load hides on a shared machine)."""
    import statistics
    import time

    from sqlalchemy import event

    from moviesx import create_app
    from moviesx.extensions import db

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MOVIESX_ENV": "development",
            "SECRET_KEY": SECRET,
            "CACHE_TYPE": REDIS_CACHE_TYPE,
            "CACHE_REDIS_URL": redis_url,
            "REDIS_URL": redis_url,
            "RATELIMIT_ENABLED": False,
            "RECOMMENDER_RETRAIN_AFTER": 0,
            "LOG_LEVEL": "WARNING",
        }
    )
    client = app.test_client()
    statements: list[str] = []
    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    print(f"| endpoint | in-process median ({repeats} requests) | SQL statements per request |")
    print("|---|---|---|")
    for row in rows:
        if row.server.startswith("bare") or not row.requests:
            continue
        app.config["FEED_CACHE_SECONDS"] = 0 if row.server == "computed" else 600
        requests = row.requests
        if row.status == 304:  # the tag covers the host, which differs from the server's: take this client's own
            method, path, headers, body = requests[0]
            plain = {name: value for name, value in headers.items() if name != "If-None-Match"}
            requests = [(method, path, {**plain, "If-None-Match": client.get(path, headers=plain).headers["ETag"]}, body)]
        times, counts = [], []
        for n in range(repeats + 3):
            method, path, headers, body = requests[n % len(requests)]
            statements.clear()
            started = time.perf_counter()
            response = client.open(path, method=method, headers=headers, data=body)
            elapsed = time.perf_counter() - started
            assert response.status_code == row.status, (row.name, response.status_code, response.get_data()[:200])
            if n >= 3:  # after a warm-up
                times.append(elapsed)
                counts.append(len(statements))
        print(f"| {row.name} | {1000 * statistics.median(times):.1f} ms | {statistics.median(counts):g} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_read_path")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/1")
    parser.add_argument("--data", default=str(ROOT / "bench" / "data" / "ml-100k"))
    parser.add_argument("--seconds", type=int, default=15, help="wrk duration per row (after a 3 s warm-up)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--port", type=int, default=8781)
    parser.add_argument("--only", help="run only the rows whose name contains this text (the bare app always runs)")
    parser.add_argument("--in-process", type=int, default=30, help="requests per row through the test client (0: none)")
    args = parser.parse_args()

    data = prepare(args.database_url, args.redis_url, args.data)
    rows = rows_for(data)
    layout = {"GUNICORN_THREADS": str(args.threads)}
    for kind in ("bare", "app", "computed", "bare-last"):
        bare = kind.startswith("bare")
        chosen = [row for row in rows if row.server == kind and (bare or not args.only or args.only in row.name)]
        if not chosen:
            continue
        if bare:
            server = start_bare(args.database_url, args.port, args.workers, args.threads)
        else:
            overrides = {**layout, "FEED_CACHE_SECONDS": "0"} if kind == "computed" else layout
            server = start_server(
                args.database_url, args.redis_url, args.port, args.workers, cached=True, env_overrides=overrides
            )
        try:
            for row in chosen:
                if row.status == 304:
                    row.requests = conditional_requests(args.port, data["token"], data["movies"][:50])
                    row.skipped = None if row.requests else "n/a (no ETag)"
                if row.skipped is None:
                    run_wrk(args.port, row, 3, args.connections)  # warm-up: every worker loads the model, its caches
                    row.figures = run_wrk(args.port, row, args.seconds, args.connections)
                print(f"  {format_row(row, reference(rows))}", flush=True)
        finally:
            stop(server)
    print()
    print(
        f"{args.workers} gunicorn workers x {args.threads} gthread threads, {args.connections} wrk connections, "
        f"{args.seconds} s per row, PostgreSQL + Redis; load average at the end {os.getloadavg()[0]:.1f}"
    )
    print("| endpoint | req/s | p50 | p99 | unexpected status | vs bare | connections per worker |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print(format_row(row, reference(rows)))
    if args.in_process:
        print()
        in_process(args.database_url, args.redis_url, rows, args.in_process)


def reference(rows: list[Row]) -> float | None:
    """The bare app's req/s: the mean of its measurements so far (first, and last once it ran)."""
    measured = [row.figures["rps"] for row in rows if row.server.startswith("bare") and row.figures]
    return sum(measured) / len(measured) if measured else None


def format_row(row: Row, bare_rps: float | None) -> str:
    if row.skipped or not row.figures:
        return f"| {row.name} | {row.skipped or 'not run'} | | | | | |"
    figures = row.figures
    ratio = f"{figures['rps'] / bare_rps:.2f}" if bare_rps else "-"
    errors = f"{figures['unexpected']}" + (f" (+{figures['socket_errors']} socket errors)" if figures["socket_errors"] else "")
    return (
        f"| {row.name} | {figures['rps']:,.0f} | {figures['p50']:.0f} ms | {figures['p99']:.0f} ms | {errors} | {ratio} "
        f"| {figures['spread']} |"
    )


if __name__ == "__main__":
    main()
