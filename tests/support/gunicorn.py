"""A real gunicorn (`gunicorn -c gunicorn.conf.py wsgi:app`) on a free loopback port: for what only the server shows
(forwarding headers it interprets itself, several worker processes)."""

from __future__ import annotations

import contextlib
import http.client
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from tests.conftest import TEST_SECRET
from tests.support.processes import ROOT, free_port, project_env


@contextlib.contextmanager
def running_gunicorn(tmp_path: Path, *, workers: int = 1, args: tuple[str, ...] = (), **settings: str) -> Iterator[int]:
    """Start the server with the settings as environment variables (an SQLite database in `tmp_path` unless given)
    and `args` as more command-line options; yields its port and stops it on exit."""
    port = free_port()
    env = project_env(
        MOVIESX_ENV="testing",
        SECRET_KEY=TEST_SECRET,
        DATABASE_URL=f"sqlite:///{tmp_path / 'gunicorn.db'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        GUNICORN_WORKERS=str(workers),
    )
    env.update(settings)
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--no-control-socket",
            *args,
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        _wait_until_up(server, port, tmp_path / "gunicorn.log")
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def _wait_until_up(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited:\n{log.read_text()}")
        try:
            if get(port, "/healthz").status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not start:\n{log.read_text()}")


def get(port: int, path: str, headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
    """One request on a new connection (so that requests spread over the workers); the body is read."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        response.body = response.read()
        return response
    finally:
        connection.close()
