"""Rate limiting fails open (API.md 21): while its storage cannot be reached, requests are let through and counted."""

from __future__ import annotations

import logging
import socket
import time

import pytest
from limits import parse

from moviesx.extensions import limiter
from moviesx.http.throttle import BUCKETS
from tests.factories import DEFAULT_PASSWORD, RatingFactory, UserFactory
from tests.support import outages
from tests.support.backends import stopped_redis_url
from tests.support.recommender import movie

log_of = outages.log_of
redis_proxy = outages.redis_proxy
limiter_storage = outages.limiter_storage
LET_THROUGH = "moviesx_rate_limit_storage_errors"
SIGNUP = {"username": "newcomer", "email": "newcomer@example.com", "first_name": "N", "last_name": "C", "password": "x" * 20}

pytestmark = pytest.mark.fresh_app  # the limiter is moved to another storage


@pytest.fixture
def queue_down_config(app_config):
    app_config["REDIS_URL"] = stopped_redis_url()  # production points jobs and limits at the same Redis
    return app_config


def test_every_rate_limited_route_answers_while_redis_is_down(queue_down_config, limiter_storage, client, as_user, log_of):
    limiter_storage(stopped_redis_url())
    records = log_of("moviesx.throttle")
    user = UserFactory(username="ana")
    heat, other = movie(slug="heat", title="Heat", popularity=2), movie(slug="other", popularity=1)
    RatingFactory(user=user, movie=heat, rating=3)
    before = outages.counter(LET_THROUGH)

    login = client.post("/api/auth/login/", json={"username": "ana", "password": DEFAULT_PASSWORD})
    assert login.status_code == 200 and sorted(login.get_json()) == ["access", "refresh"]
    signup = client.post("/api/auth/signup/", json=SIGNUP)
    assert signup.status_code == 200 and signup.get_json()["username"] == "newcomer"
    detail = as_user(user).get("/api/movies/heat/")
    assert detail.status_code == 200 and detail.get_json()["title"] == "Heat"
    feed = as_user(user).get("/api/movies/")
    assert feed.status_code == 200 and [item["id"] for item in feed.get_json()] == [other.id]
    search = as_user(user).get("/api/movies/searching/?name=heat")
    assert search.status_code == 200 and [item["slug"] for item in search.get_json()["results"]] == ["heat"]
    rating = as_user(user).put("/api/movies/heat/ratings/", json={"rating": 5})
    assert rating.status_code == 200 and rating.get_json()["rating"] == 5

    assert outages.counter(LET_THROUGH) - before == 6
    [warning] = records.at(logging.WARNING)
    assert warning.startswith("Rate-limit storage unreachable (StorageError: ")
    assert records.at(logging.ERROR) == []


def test_limits_apply_again_when_the_storage_answers(app, redis_proxy, limiter_storage, as_user, clock, log_of):
    limiter_storage(redis_proxy.url)
    records = log_of("moviesx.throttle")
    user = UserFactory()
    assert as_user(user).get("/api/users/").status_code == 200
    limit = parse(BUCKETS["user"])
    while limiter.strategy.hit(limit, "user", str(user.id)):
        pass
    assert as_user(user).get("/api/users/").status_code == 429

    redis_proxy.cut()
    before = outages.counter(LET_THROUGH)
    assert [as_user(user).get("/api/users/").status_code for _ in range(3)] == [200, 200, 200]
    assert outages.counter(LET_THROUGH) - before == 3

    redis_proxy.restore()
    assert as_user(user).get("/api/users/").status_code == 200  # the storage is tried once a second meanwhile
    clock.advance(seconds=1)
    response = as_user(user).get("/api/users/")
    assert response.status_code == 429
    assert response.get_json()["detail"].startswith("Request was throttled. Expected available in ")
    assert outages.counter(LET_THROUGH) - before == 4
    assert len(records.at(logging.WARNING)) == 1
    assert records.at(logging.INFO) == ["Rate-limit storage reachable again"]


def test_a_storage_that_never_answers_costs_one_request_a_short_timeout(limiter_storage, as_user):
    with socket.socket() as blackhole:  # accepts connections (the kernel does) but never answers
        blackhole.bind(("127.0.0.1", 0))
        blackhole.listen(16)
        limiter_storage(f"redis://127.0.0.1:{blackhole.getsockname()[1]}/0")
        user = UserFactory()
        started = time.monotonic()
        assert as_user(user).get("/api/users/").status_code == 200
        assert time.monotonic() - started < 2
        started = time.monotonic()
        assert [as_user(user).get("/api/users/").status_code for _ in range(5)] == [200] * 5
        assert time.monotonic() - started < 0.4  # the storage is not tried again within the second
