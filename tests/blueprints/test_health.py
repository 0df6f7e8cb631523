"""Liveness and readiness probes (API.md 9)."""

from __future__ import annotations

import pytest

from tests.support.backends import stopped_redis_url


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
