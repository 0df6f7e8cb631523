"""The database and Redis the suite runs against: SQLite always, PostgreSQL and Redis when configured."""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

# Read once, then removed from the environment so that apps built by tests only see what a test gives them.
# Kept under private names so that pytest-xdist workers (started after this import) still know them.
TEST_DATABASE_URL = os.environ.pop("TEST_DATABASE_URL", None) or os.environ.get("MOVIESX_TESTS_DATABASE_URL")
TEST_REDIS_URL = os.environ.pop("REDIS_URL", None) or os.environ.get("MOVIESX_TESTS_REDIS_URL")
for _private, _value in (("MOVIESX_TESTS_DATABASE_URL", TEST_DATABASE_URL), ("MOVIESX_TESTS_REDIS_URL", TEST_REDIS_URL)):
    if _value:
        os.environ[_private] = _value
# Under pytest-xdist each worker gets its own PostgreSQL database and Redis database number.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
WORKER_INDEX = int(XDIST_WORKER[2:]) if XDIST_WORKER.startswith("gw") else 0
for _name in (
    "DATABASE_URL",
    "MAIL_SERVER",
    "GOOGLE_CLIENT_ID",
    "GOOGLE_CLIENT_SECRET",
    "DEEPL_API_KEY",
    "RATELIMIT_STORAGE_URI",
    "SECRET_KEY",
    "MOVIESX_ENV",
    "MEDIA_ROOT",
    "CORS_ORIGINS",
    "TRUST_PROXY",
):
    os.environ.pop(_name, None)
IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(what: str, reason: str) -> None:
    """Skip locally; fail in CI, where every service must be there."""
    message = f"{what} unavailable: {reason}"
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


def backends() -> list[str]:
    return ["sqlite", "postgresql"]


def postgres_url() -> str:
    if not TEST_DATABASE_URL:
        unavailable("PostgreSQL", "TEST_DATABASE_URL is not set")
    if not XDIST_WORKER:
        return TEST_DATABASE_URL
    return _worker_database(TEST_DATABASE_URL)


def _worker_database(url: str) -> str:
    """`<database>_<worker>`, created on first use next to the configured database."""
    base = make_url(url)
    name = f"{base.database}_{XDIST_WORKER}"
    try:
        engine = create_engine(base, isolation_level="AUTOCOMMIT")
        with engine.connect() as connection:
            exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
            if not exists:
                connection.execute(text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        unavailable("PostgreSQL", str(exc))
    return base.set(database=name).render_as_string(hide_password=False)


def check_postgres(url: str) -> None:
    try:
        engine = create_engine(url)
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001
        unavailable("PostgreSQL", str(exc))


def redis_url() -> str:
    if not TEST_REDIS_URL:
        unavailable("Redis", "REDIS_URL is not set")
    from redis import Redis

    url = _worker_redis(TEST_REDIS_URL)
    try:
        Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        unavailable("Redis", str(exc))
    return url


def _worker_redis(url: str) -> str:
    """Worker n uses the database number n below the configured one (modulo 16)."""
    if not WORKER_INDEX:
        return url
    head, _, number = url.rpartition("/")
    base = int(number) if number.isdigit() else 0
    return f"{head}/{(base - WORKER_INDEX) % 16}" if number.isdigit() else f"{url.rstrip('/')}/{(-WORKER_INDEX) % 16}"


class SqliteTemplate:
    """Create the schema once per session, then copy the file for every test."""

    def __init__(self, directory: Path):
        self.path = directory / "template.db"

    def ensure(self, build) -> None:
        if not self.path.exists():
            build(f"sqlite:///{self.path}")

    def copy_to(self, target: Path) -> str:
        shutil.copyfile(self.path, target)
        return f"sqlite:///{target}"


def stopped_redis_url() -> str:
    """A Redis URL on a loopback port nothing listens on: a Redis that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"
