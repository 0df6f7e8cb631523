"""A Redis cache that accepts connections but never answers fails a request in seconds, never hangs it (API.md 21)."""

from __future__ import annotations

import socket
import time

import pytest

from moviesx.config import CACHE_REDIS_TIMEOUTS, REDIS_CACHE_TYPE, Config
from tests.factories import UserFactory


@pytest.fixture
def blackhole():
    with socket.socket() as listener:  # the kernel accepts connections; nothing ever answers
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0"


def test_the_redis_cache_is_configured_with_timeouts(tmp_path):
    config = Config(tmp_path, {"REDIS_URL": "redis://127.0.0.1:6379/0"}).as_dict()
    assert config["CACHE_OPTIONS"] == CACHE_REDIS_TIMEOUTS
    assert 0 < CACHE_REDIS_TIMEOUTS["socket_timeout"] <= 5


@pytest.fixture
def app_config(app_config, blackhole):
    app_config.update(
        CACHE_TYPE=REDIS_CACHE_TYPE,
        CACHE_REDIS_URL=blackhole,
        CACHE_OPTIONS=dict(CACHE_REDIS_TIMEOUTS),
        TESTS_CACHE_UNREACHABLE=True,
    )
    return app_config


def test_a_cooldown_that_cannot_be_checked_answers_503_within_the_timeout(as_user):
    user = UserFactory(verified=False)
    started = time.monotonic()
    response = as_user(user).post("/api/auth/resend-verification-email/")
    assert time.monotonic() - started < CACHE_REDIS_TIMEOUTS["socket_timeout"] + 3
    assert response.status_code == 503
    assert response.get_json() == {"error": "Service temporarily unavailable"}
    assert response.headers["Retry-After"] == "5"
