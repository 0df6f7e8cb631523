"""The database and Redis the suite runs against: SQLite always, PostgreSQL and Redis when configured."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

# Read once, then removed from the environment so that apps built by tests only see what a test gives them.
TEST_DATABASE_URL = os.environ.pop("TEST_DATABASE_URL", None)
TEST_REDIS_URL = os.environ.pop("REDIS_URL", None)
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
    return TEST_DATABASE_URL


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

    try:
        Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2).ping()
    except Exception as exc:  # noqa: BLE001
        unavailable("Redis", str(exc))
    return TEST_REDIS_URL


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
