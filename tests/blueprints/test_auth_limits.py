"""Rate limits of the auth endpoints (API.md 7.6): shared 20/min IP bucket, moving window, 429 body, switch-off."""

from __future__ import annotations

import time as real_time

import pytest
from limits import parse

from moviesx.extensions import limiter
from tests.factories import UserFactory


class FakeTime:
    """Stands in for the `time` module of the limiter storage and of our throttle: moves only when told."""

    def __init__(self):
        self.now = real_time.time()

    def time(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds

    def __getattr__(self, name):
        return getattr(real_time, name)


@pytest.fixture
def fake_time(app, monkeypatch):
    import limits.storage.memory

    import moviesx.http.throttle

    fake = FakeTime()
    monkeypatch.setattr(limits.storage.memory, "time", fake)
    monkeypatch.setattr(moviesx.http.throttle, "time", fake)
    limiter.strategy.storage.reset()
    return fake


AUTH_CALLS = [
    ("POST", "/api/auth/login/", {"json": {}}),
    ("POST", "/api/auth/signup/", {"json": {}}),
    ("GET", "/api/auth/forgot-password/", {}),
    ("POST", "/api/auth/forgot-password/", {"json": {}}),
    ("POST", "/api/oauth/google/", {"json": {}}),
]


def call(client, index: int):
    method, path, kwargs = AUTH_CALLS[index % len(AUTH_CALLS)]
    return client.open(path, method=method, **kwargs)


def throttled(seconds: int) -> dict:
    unit = "second" if seconds == 1 else "seconds"
    return {"detail": f"Request was throttled. Expected available in {seconds} {unit}."}


def test_auth_endpoints_share_one_bucket_with_a_moving_window(client, fake_time):
    for index in range(10):
        assert call(client, index).status_code != 429
    fake_time.advance(30)
    for index in range(10):
        assert call(client, index).status_code != 429
    fake_time.advance(1)
    for index in range(len(AUTH_CALLS)):
        response = call(client, index)
        assert response.status_code == 429
        assert response.get_json() == throttled(29)
        assert response.headers["Retry-After"] == "29"
    # Refused requests were not counted: once the first ten leave the window, ten more pass.
    fake_time.advance(29.001)
    for index in range(10):
        assert call(client, index).status_code != 429
    response = call(client, 0)
    assert response.get_json() == throttled(30)
    fake_time.advance(29.4)
    response = call(client, 1)
    assert response.get_json() == throttled(1)
    assert response.headers["Retry-After"] == "1"


def test_limit_is_per_client_ip(client, fake_time):
    for index in range(20):
        call(client, index)
    assert call(client, 0).status_code == 429
    other = client.post("/api/auth/login/", json={}, environ_base={"REMOTE_ADDR": "10.9.8.7"})
    assert other.status_code == 400


def test_throttle_message_is_translated(client, fake_time):
    for index in range(20):
        call(client, index)
    response = client.post("/api/auth/login/?lang=es", json={})
    assert response.status_code == 429
    assert response.get_json() == {"detail": "Solicitud limitada. Disponible de nuevo en 60 segundos."}


def test_refresh_and_logout_have_their_own_bucket(client, fake_time):
    for index in range(20):
        call(client, index)
    for _ in range(60):
        assert client.post("/api/auth/refresh/", json={}).status_code == 400
    response = client.post("/api/auth/logout/", json={})
    assert response.status_code == 429
    assert response.get_json() == throttled(60)


def test_disabled_rate_limits(client, fake_time, app):
    app.config["RATELIMIT_ENABLED"] = False
    for index in range(30):
        assert call(client, index).status_code != 429


def test_per_user_bucket_counts_only_requests_past_the_ladder(client, fake_time, headers_for):
    user = UserFactory()
    item = parse("2000/minute")
    for _ in range(1999):
        assert limiter.strategy.hit(item, "user", str(user.id))
    for _ in range(3):
        assert client.get("/api/users/", headers={"Authorization": "Bearer broken"}).status_code == 401
    assert client.get("/api/users/", headers=headers_for(user)).status_code == 200
    response = client.get("/api/users/", headers=headers_for(user))
    assert response.status_code == 429
    assert response.get_json() == throttled(60)
    other = UserFactory()
    assert client.get("/api/users/", headers=headers_for(other)).status_code == 200
