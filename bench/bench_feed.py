"""Feed latency: GET /api/movies/ under gunicorn + PostgreSQL with a trained model, 32 concurrent clients.

    .venv/bin/python bench/bench_feed.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/moviesx_bench \
        --redis-url redis://127.0.0.1:6379/14 [--requests 2000] [--clients 32] [--workers N] [--scenario all]

Loads MovieLens-100k into the database when it holds no ratings (see bench_recommender.py), trains the model into
the shared Redis cache, starts gunicorn on a loopback port, then sends a bounded number of requests, spread over
500 MovieLens users (all known to the model), and prints p50/p99 latency and throughput per scenario:

* cached: one untimed pass over the users fills their feed caches, then every timed request is a cache hit;
* mixed: like cached, while other clients change ratings (wrk: 2 connections, at most 50 changes per second; Python
  client: one request in ten), each of which makes that user's next feed be computed again;
* computed: the server runs with FEED_CACHE_SECONDS=0, so every request runs the whole pipeline;
* foldin: like mixed, but for 500 newcomers the model has never seen (created after the training, each with the
  first 20 ratings of a MovieLens user): every feed they get is computed with a fold-in (API.md 22), and every rating
  change makes their next one be folded in again (on the request path, or in the worker that warms it).

With wrk on the PATH (Debian: `apt-get install wrk`) the load comes from wrk for --seconds per scenario (a C client
takes far less of the two shared cores than Python threads); otherwise (or --client python) Python threads send
--requests requests. Rate limiting and the retrain counter are turned off for the server under test: it measures
the feed. The mixed scenario really changes ratings (to 4 or 5 stars on one movie per user) in that database.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SECRET = "bench-secret-key-that-is-long-enough-for-hs256"


@dataclass
class Participant:
    token: str
    rated_slug: str  # a movie the user rated, for the rating changes of the mixed scenario


def prepare(database_url: str, redis_url: str, data_dir: str, users: int, keep_model: bool) -> tuple[list[Participant], str]:
    from bench_recommender import build_app, ensure_movielens
    from sqlalchemy import func, select

    from moviesx.extensions import db
    from moviesx.models import Movie, Rating, User
    from moviesx.services.accounts.tokens import issue_access
    from moviesx.services.feed import recommender

    app = build_app(database_url, redis_url)
    app.config["SECRET_KEY"] = SECRET
    with app.app_context():
        ensure_movielens(data_dir)
        drop_newcomers()  # those of an earlier run: the model must not know them
        model = recommender.loaded_model() if keep_model else None
        if model is None:
            result = recommender.retrain()
            print(result.message() if result else recommender.NO_RATINGS)
            model = recommender.loaded_model()
        version = recommender.stored_version()
        people = db.session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.id)).all()
        known = [user for user in people if model is not None and user.id in model.user_index][:users]
        first_rated = dict(
            db.session.execute(
                select(Rating.user_id, func.min(Movie.slug))
                .join(Movie, Movie.id == Rating.movie_id)
                .where(Rating.user_id.in_([user.id for user in known]))
                .group_by(Rating.user_id)
            ).all()
        )
        print(f"{len(known)} users known to the model take part")
        return [Participant(issue_access(user), first_rated[user.id]) for user in known], version


NEWCOMER = "bench_newcomer_{:03d}"
NEWCOMER_RATINGS = 20


def drop_newcomers() -> None:
    from sqlalchemy import delete

    from moviesx.extensions import db
    from moviesx.models import User

    db.session.execute(delete(User).where(User.username.like(NEWCOMER.format(0)[:-3] + "%")))
    db.session.commit()


def prepare_newcomers(database_url: str, redis_url: str, users: int) -> list[Participant]:
    """`users` users created after the training, each with the first 20 ratings (by time) of a MovieLens user."""
    import numpy as np
    from bench_recommender import build_app
    from sqlalchemy import insert, select

    from moviesx.extensions import db
    from moviesx.models import Movie, Rating, User
    from moviesx.services.accounts.tokens import issue_access
    from moviesx.services.feed import foldin, recommender

    app = build_app(database_url, redis_url)
    app.config["SECRET_KEY"] = SECRET
    with app.app_context():
        drop_newcomers()
        sources = db.session.scalars(select(User.id).where(User.username.like("ml_%")).order_by(User.id).limit(users)).all()
        people = [
            User(username=NEWCOMER.format(n), email=f"{NEWCOMER.format(n)}@bench.invalid", verified=True, boarded=True)
            for n in range(len(sources))
        ]
        db.session.add_all(people)
        db.session.flush()
        rows, slugs = [], {}
        for person, source in zip(people, sources, strict=True):
            taken = db.session.execute(
                select(Rating.movie_id, Rating.rating, Movie.slug)
                .join(Movie, Movie.id == Rating.movie_id)
                .where(Rating.user_id == source)
                .order_by(Rating.created_at, Rating.movie_id)
                .limit(NEWCOMER_RATINGS)
            ).all()
            rows += [{"user_id": person.id, "movie_id": movie_id, "rating": stars} for movie_id, stars, _ in taken]
            slugs[person.id] = taken[0][2]
        db.session.execute(insert(Rating), rows)
        db.session.commit()
        model = recommender.loaded_model()
        assert not any(person.id in model.user_index for person in people)
        costs = []
        for person in people[:100]:
            started = time.perf_counter()
            assert foldin.folded_user(person) is not None
            costs.append(1000 * (time.perf_counter() - started))
        print(
            f"{len(people)} newcomers unknown to the model take part ({len(rows)} ratings); in-process fold-in "
            f"(positives query + solve) p50 {np.median(costs):.2f} ms, max {max(costs):.2f} ms"
        )
        return [Participant(issue_access(person), slugs[person.id]) for person in people]


def model_version(database_url: str, redis_url: str) -> str | None:
    from bench_recommender import build_app

    from moviesx.services.feed import recommender

    with build_app(database_url, redis_url).app_context():
        return recommender.stored_version()


BIN = Path(sys.executable).parent  # the virtualenv running this script (a worktree may have no .venv of its own)


def start_server(
    database_url: str, redis_url: str, port: int, workers: int | None, *, cached: bool, env_overrides: dict | None = None
) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": SECRET,
        "MOVIESX_ENV": "production",
        "RATELIMIT_ENABLED": "false",
        "RECOMMENDER_RETRAIN_AFTER": "0",
        "FEED_CACHE_SECONDS": "600" if cached else "0",
        "LOG_LEVEL": "WARNING",
        **(env_overrides or {}),
    }
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            *(["--workers", str(workers)] if workers else []),
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stderr=subprocess.DEVNULL,
    )
    # The production layout's `rq worker` too: it warms the feed of a user who just changed a rating.
    server.worker = subprocess.Popen(
        [str(BIN / "flask"), "--app", "wsgi", "rq", "worker"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    if not wait_until_up(port):
        server.terminate()
        server.worker.terminate()
        raise SystemExit("gunicorn did not start")
    return server


def wait_until_up(port: int, path: str = "/healthz", seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", path)
            if connection.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.3)
    return False


@dataclass
class Run:
    feed: list[float] = field(default_factory=list)
    writes: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    elapsed: float = 0.0


def load(port: int, people: list[Participant], total: int, clients: int, *, write_every: int = 0) -> Run:
    """`total` requests from `clients` keep-alive connections; with write_every=N, every N-th is a rating change."""
    run = Run()
    lock = threading.Lock()
    counter = iter(range(total))

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            person = people[index % len(people)]
            headers = {"Authorization": f"Bearer {person.token}"}
            writing = write_every and index % write_every == write_every - 1
            started = time.perf_counter()
            if writing:
                body = json.dumps({"rating": 4 + index // len(people) % 2})
                connection.request(
                    "PUT",
                    f"/api/movies/{person.rated_slug}/ratings/",
                    body=body,
                    headers={**headers, "Content-Type": "application/json"},
                )
            else:
                connection.request("GET", "/api/movies/", headers=headers)
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            with lock:
                (run.writes if writing else run.feed).append(elapsed)
                run.statuses[response.status] = run.statuses.get(response.status, 0) + 1
            if response.status == 200 and index == 0:
                assert len(json.loads(body)) == 20
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    run.elapsed = time.perf_counter() - started
    return run


WRK_SCRIPT = """
tokens = {%(tokens)s}
slugs = {%(slugs)s}
writing = %(writing)s
local next_id = 0
local counter = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function request()
  counter = counter + 1
  local i = (counter * %(threads)d + id) %% #tokens + 1
  local headers = {Authorization = "Bearer " .. tokens[i]}
  if writing then
    headers["Content-Type"] = "application/json"
    local body = string.format('{"rating": %%d}', 4 + counter %% 2)
    return wrk.format("PUT", "/api/movies/" .. slugs[i] .. "/ratings/", headers, body)
  end
  return wrk.format("GET", "/api/movies/", headers)
end

function delay()
  if writing then
    return %(write_pause_ms)d
  end
  return 0
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format("WRK %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    errors.status + errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(99), latency.mean))
end
"""


def start_wrk(port: int, people: list[Participant], seconds: int, clients: int, *, writing: bool) -> subprocess.Popen:
    """Closed-loop load from wrk (C): the client costs the two shared cores far less than Python threads."""
    threads = min(2, clients)
    script = WRK_SCRIPT % {
        "tokens": ", ".join(json.dumps(person.token) for person in people),
        "slugs": ", ".join(json.dumps(person.rated_slug) for person in people),
        "writing": "true" if writing else "false",
        "write_pause_ms": WRITE_PAUSE_MS,
        "threads": threads,
    }
    handle = tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False)  # noqa: SIM115 - wrk reads it by name
    handle.write(script)
    handle.close()
    command = ["wrk", f"-t{threads}", f"-c{clients}", f"-d{seconds}s", "-s", handle.name, f"http://127.0.0.1:{port}/"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    process.script = handle.name
    return process


def wrk_figures(process: subprocess.Popen) -> str:
    output, _ = process.communicate()
    os.unlink(process.script)
    requests, duration_us, errors, p50, p99, mean = (float(value) for value in output.split("WRK ")[1].split())
    return (
        f"p50 {p50 / 1000:.1f} ms, p99 {p99 / 1000:.1f} ms, mean {mean / 1000:.1f} ms, "
        f"{requests / (duration_us / 1e6):.1f} req/s ({int(requests)} requests in {duration_us / 1e6:.0f} s, "
        f"{int(errors)} errors)"
    )


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def report(name: str, run: Run, clients: int, layout: str) -> None:
    print(f"{name}: {len(run.feed)} feed requests, {clients} clients, {layout}, statuses {run.statuses}")
    print(
        f"  p50 {1000 * percentile(run.feed, 0.50):.1f} ms, p99 {1000 * percentile(run.feed, 0.99):.1f} ms, "
        f"mean {1000 * statistics.fmean(run.feed):.1f} ms, {(len(run.feed) + len(run.writes)) / run.elapsed:.1f} req/s"
    )
    if run.writes:
        print(
            f"  {len(run.writes)} rating changes: p50 {1000 * percentile(run.writes, 0.50):.1f} ms, "
            f"p99 {1000 * percentile(run.writes, 0.99):.1f} ms"
        )


SCENARIOS = ("cached", "mixed", "computed", "foldin")
WRITERS = 2  # connections that change ratings in the mixed scenario (wrk) ...
WRITE_PAUSE_MS = 40  # ... each pausing this long before its next change: at most 50 changes per second in all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--data", default=str(ROOT / "bench" / "data" / "ml-100k"))
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, help="gunicorn workers (default: gunicorn.conf.py's, one per core)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--scenario", choices=("all", *SCENARIOS), default="all")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto", help="auto: wrk when installed")
    parser.add_argument("--seconds", type=int, default=20, help="duration of a wrk run")
    parser.add_argument("--keep-model", action="store_true", help="serve the stored model instead of training one")
    args = parser.parse_args()
    layout = f"{args.workers or os.cpu_count()} gunicorn workers x {os.environ.get('GUNICORN_THREADS', 4)} threads"
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)

    people, version = prepare(args.database_url, args.redis_url, args.data, users=500, keep_model=args.keep_model)
    scenarios = SCENARIOS if args.scenario == "all" else (args.scenario,)
    newcomers = prepare_newcomers(args.database_url, args.redis_url, users=500) if "foldin" in scenarios else []
    for scenario in scenarios:
        participants = newcomers if scenario == "foldin" else people
        server = start_server(args.database_url, args.redis_url, args.port, args.workers, cached=scenario != "computed")
        try:
            # Warm-up: every worker loads the model; for the cached scenarios, every user's feed is cached once.
            load(args.port, participants, len(participants) if scenario != "computed" else 200, args.clients)
            if use_wrk:
                writers = WRITERS if scenario in ("mixed", "foldin") else 0
                loads = [start_wrk(args.port, participants, args.seconds, args.clients - writers, writing=False)]
                if writers:
                    loads.append(start_wrk(args.port, participants, args.seconds, writers, writing=True))
                figures = [wrk_figures(process) for process in loads]
            else:
                writes = scenario in ("mixed", "foldin")
                run = load(args.port, participants, args.requests, args.clients, write_every=10 if writes else 0)
        finally:
            for process in (server, server.worker):
                process.terminate()
                process.wait(timeout=30)
        if use_wrk:
            print(f"{scenario} (wrk, {args.clients} connections, {layout}):")
            print(f"  feed: {figures[0]}")
            if len(figures) > 1:
                print(f"  rating changes ({WRITERS} of the connections): {figures[1]}")
        else:
            report(scenario, run, args.clients, layout)
    if model_version(args.database_url, args.redis_url) != version:
        print("WARNING: the stored model changed during the run (another process used this Redis db)")


if __name__ == "__main__":
    main()
