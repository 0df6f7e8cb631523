"""Fuzz the running API with schemathesis against its own /api/schema/ (`make fuzz`).

Builds a throw-away instance (SQLite, demo data, rate limits off so that the fuzzer is not throttled into 429s),
starts gunicorn on a free loopback port, logs in a verified staff user and runs `st run` with every check
(server errors, status-code, content-type, header and response-schema conformance, negative and positive data, auth)
and the given budget, then stops the server. Everything stays on 127.0.0.1.

    .venv/bin/python bench/fuzz.py [--max-examples 30] [--workers 2] [-- extra st options]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "moviesx-demo-2024"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def instance_env(folder: Path) -> dict[str, str]:
    inherited = ("MOVIESX_", "DATABASE_", "REDIS_", "PROMETHEUS_")
    env = {key: value for key, value in os.environ.items() if not key.startswith(inherited)}
    env.update(
        MOVIESX_ENV="development",
        DATABASE_URL=f"sqlite:///{folder / 'fuzz.db'}",
        MEDIA_ROOT=str(folder / "media"),
        RATELIMIT_ENABLED="false",
        # Google login configured against a closed port: codes fail as the contract says (400), not 503
        GOOGLE_CLIENT_ID="fuzz",
        GOOGLE_CLIENT_SECRET="fuzz",
        GOOGLE_TOKEN_URL="http://127.0.0.1:9/token",
        LOG_LEVEL="WARNING",
        GUNICORN_WORKERS="2",
    )
    return env


def flask(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)


def wait_until_up(base: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit("gunicorn exited before answering")
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    sys.exit("gunicorn did not start")


def access_token(base: str) -> str:
    body = json.dumps({"username": "fuzz_staff", "password": DEMO_PASSWORD}).encode()
    request = urllib.request.Request(f"{base}/api/auth/login/", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["access"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-examples", type=int, default=30, help="examples per operation and phase")
    parser.add_argument("--workers", default="1", help="threads (1 avoids an ast race in hypothesis)")
    parser.add_argument("extra", nargs="*", help="more `st run` options (after --)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="moviesx-fuzz-") as tmp:
        folder = Path(tmp)
        env = instance_env(folder)
        flask(env, "db", "upgrade")
        flask(env, "seed", "demo", "--users", "8", "--movies", "40", "--ratings", "200")
        flask(env, "users", "create", "fuzz_staff", "fuzz@example.com", "--staff", "--password", DEMO_PASSWORD)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        log = (folder / "gunicorn.log").open("w")
        server = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        try:
            wait_until_up(base, server)
            command = [
                str(BIN / "st"),
                "run",
                f"{base}/api/schema/",
                "--checks",
                "all",
                "--workers",
                options.workers,
                "--max-examples",
                str(options.max_examples),
                "--header",
                f"Authorization: Bearer {access_token(base)}",
                "--request-timeout",
                "30",
                "--seed",
                "42",
                *options.extra,
            ]
            print("$", " ".join(part if "Bearer" not in part else "Authorization: Bearer <fuzz_staff>" for part in command))
            code = subprocess.run(command, cwd=folder).returncode  # its cache stays in the throw-away folder
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
    sys.exit(code)


if __name__ == "__main__":
    main()
