"""Liveness and readiness probes (API.md 9, 21)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from moviesx import create_app
from moviesx.extensions import db
from tests.conftest import TEST_SECRET, base_config
from tests.support.backends import stopped_redis_url

ROOT = Path(__file__).resolve().parents[2]


def test_healthz(client):
    for path in ("/healthz", "/healthz/"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.get_json() == {"status": "ok"}


def test_readyz_without_redis(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "not configured"}}


@pytest.fixture
def stopped_redis_config(app_config):
    app_config["REDIS_URL"] = stopped_redis_url()
    return app_config


def test_readyz_reports_a_stopped_redis(stopped_redis_config, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "checks": {"database": "ok", "redis": "error"}}


@pytest.fixture
def live_redis_config(redis_app_config):
    return redis_app_config


def test_readyz_with_a_live_redis(live_redis_config, client):
    assert client.get("/readyz").get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "ok"}}


@pytest.fixture
def broken_database_config(app_config, tmp_path):
    app_config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/missing-dir/nope/x.db"
    return app_config


def test_readyz_reports_a_broken_database(broken_database_config, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "checks": {"database": "error", "redis": "not configured"}}


@pytest.fixture
def empty_database_config(app_config, tmp_path):
    app_config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/empty.db"
    return app_config


UNMIGRATED = {"status": "unavailable", "checks": {"database": "ok", "schema": "error", "redis": "not configured"}}


def test_readyz_reports_an_unmigrated_database(empty_database_config, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == UNMIGRATED


@pytest.fixture
def schema_behind(app):
    """The database's alembic_version names another revision than the migrations' head (restored afterwards: the
    PostgreSQL database is shared by the tests of a worker)."""
    with db.engine.begin() as connection:
        head = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        connection.execute(text("UPDATE alembic_version SET version_num = 'an0ldrev1s10n'"))
    yield
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = :head"), {"head": head})


def test_readyz_reports_a_schema_behind_the_migrations(schema_behind, client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == UNMIGRATED


def test_readyz_after_flask_db_upgrade(tmp_path):
    """A database migrated by the real command (a subprocess: the migrations' env.py reconfigures logging)."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("MOVIESX_", "REDIS_"))}
    env.update(MOVIESX_ENV="testing", SECRET_KEY=TEST_SECRET, DATABASE_URL=f"sqlite:///{tmp_path}/migrated.db")
    subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", "db", "upgrade"], cwd=ROOT, env=env, check=True)
    config = base_config(tmp_path, f"sqlite:///{tmp_path}/migrated.db")
    response = create_app(config).test_client().get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "checks": {"database": "ok", "redis": "not configured"}}
