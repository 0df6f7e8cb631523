"""Start the project's commands as real subprocesses (`flask --app wsgi ...`, gunicorn) and inspect their processes."""

from __future__ import annotations

import os
import socket
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# Settings a subprocess must not inherit from the developer's shell: it gets only what the test gives it.
_PROJECT_PREFIXES = (
    "MOVIESX_",
    "RECOMMENDER_",
    "DATABASE_",
    "REDIS_",
    "CACHE_",
    "SECRET_KEY",
    "GUNICORN_",
    "MAIL_",
    "PROMETHEUS_",
)


def project_env(**settings: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(_PROJECT_PREFIXES)}
    env.update(settings)
    return env


def flask_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "flask", "--app", "wsgi", *args]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def children_of(pid: int) -> list[int]:
    """Processes whose parent is `pid`, from /proc (Linux)."""
    stats = {int(entry.name): _stat(int(entry.name)) for entry in Path("/proc").iterdir() if entry.name.isdigit()}
    return [child for child, stat in stats.items() if stat is not None and stat[1] == pid]


def is_alive(pid: int) -> bool:
    """Running (a zombie has exited: it only waits to be reaped)."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def _stat(pid: int) -> tuple[str, int] | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return None
    return fields[0], int(fields[1])


def wait_until(condition: Callable[[], object], timeout: float, interval: float = 0.1) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return bool(condition())
