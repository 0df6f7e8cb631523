"""Feed latency: GET /api/movies/ under gunicorn + PostgreSQL with a trained model, 32 concurrent clients.

    .venv/bin/python bench/bench_feed.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/moviesx_bench \
        --redis-url redis://127.0.0.1:6379/14 [--requests 2000] [--clients 32] [--workers 3]

Loads MovieLens-100k into the database when it holds no ratings (see bench_recommender.py), trains the model into
the shared Redis cache, starts gunicorn on a loopback port, then sends a bounded number of requests, spread over
the MovieLens users (all known to the model), and prints p50/p99 latency and throughput. Rate limiting is turned off
for the server under test: it measures the feed, not the limiter.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SECRET = "bench-secret-key-that-is-long-enough-for-hs256"


def prepare(database_url: str, redis_url: str, data_dir: str, users: int) -> tuple[list[str], str]:
    from bench_recommender import build_app, ensure_movielens
    from sqlalchemy import select

    from moviesx.extensions import db
    from moviesx.models import User
    from moviesx.services import recommender
    from moviesx.services.tokens import issue_access

    app = build_app(database_url, redis_url)
    app.config["SECRET_KEY"] = SECRET
    with app.app_context():
        ensure_movielens(data_dir)
        result = recommender.retrain()
        print(result.message() if result else recommender.NO_RATINGS)
        model = recommender.loaded_model()
        people = db.session.scalars(select(User).where(User.is_active.is_(True)).order_by(User.id)).all()
        known = [user for user in people if model is not None and user.id in model.user_index][:users]
        print(f"{len(known)} users known to the model take part")
        return [issue_access(user) for user in known], result.version


def model_version(database_url: str, redis_url: str) -> str | None:
    from bench_recommender import build_app

    from moviesx.services import recommender

    with build_app(database_url, redis_url).app_context():
        return recommender.stored_version()


def start_server(database_url: str, redis_url: str, port: int, workers: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "SECRET_KEY": SECRET,
        "MOVIESX_ENV": "production",
        "RATELIMIT_ENABLED": "false",
        "LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "-c",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def load(port: int, tokens: list[str], total: int, clients: int) -> tuple[list[float], dict[int, int], float]:
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    counter = iter(range(total))

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                index = next(counter, None)
            if index is None:
                break
            headers = {"Authorization": f"Bearer {tokens[index % len(tokens)]}"}
            started = time.perf_counter()
            connection.request("GET", "/api/movies/", headers=headers)
            response = connection.getresponse()
            body = response.read()
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                statuses[response.status] = statuses.get(response.status, 0) + 1
            if response.status == 200 and index == 0:
                assert len(json.loads(body)) == 20
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, statuses, time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", required=True)
    parser.add_argument("--data", default=str(ROOT / "bench" / "data" / "ml-100k"))
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    tokens, version = prepare(args.database_url, args.redis_url, args.data, users=500)
    server = start_server(args.database_url, args.redis_url, args.port, args.workers)
    try:
        load(args.port, tokens, min(200, args.requests), args.clients)  # warm-up: every worker loads the model once
        latencies, statuses, elapsed = load(args.port, tokens, args.requests, args.clients)
    finally:
        server.terminate()
        server.wait(timeout=30)
    if model_version(args.database_url, args.redis_url) != version:
        print("WARNING: the stored model changed during the run (another process used this Redis db)")
    print(
        f"feed: {len(latencies)} requests, {args.clients} clients, {args.workers} gunicorn workers (gthread), statuses {statuses}"
    )
    print(
        f"  p50 {1000 * percentile(latencies, 0.50):.1f} ms, p99 {1000 * percentile(latencies, 0.99):.1f} ms, "
        f"mean {1000 * statistics.fmean(latencies):.1f} ms, {len(latencies) / elapsed:.1f} req/s"
    )


if __name__ == "__main__":
    main()
