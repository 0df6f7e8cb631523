"""The model's cache unreachable (API.md 21): feeds fall back to popularity and ratings still succeed, and the outage is
logged once, not once per request."""

from __future__ import annotations

import logging

import pytest

from moviesx.config import REDIS_CACHE_TYPE
from tests.factories import UserFactory
from tests.support import outages
from tests.support.backends import stopped_redis_url
from tests.support.recommender import movie

log_of = outages.log_of


@pytest.fixture
def app_config(app_config):
    app_config.update(
        CACHE_TYPE=REDIS_CACHE_TYPE,
        CACHE_REDIS_URL=stopped_redis_url(),
        TESTS_CACHE_UNREACHABLE=True,
        RECOMMENDER_RETRAIN_AFTER=1,
    )
    return app_config


def test_feeds_and_ratings_work_and_the_outage_is_logged_once(as_user, log_of):
    records = log_of("moviesx.recommender")
    errors = log_of("moviesx.recommendations")
    user = UserFactory()
    popular, other = movie(slug="popular", popularity=9), movie(slug="other", popularity=1)

    feeds = [as_user(user).get("/api/movies/") for _ in range(3)]
    rated = as_user(user).post("/api/movies/other/ratings/", json={"rating": 5})
    changed = as_user(user).put("/api/movies/other/ratings/", json={"rating": 4})

    assert [response.status_code for response in feeds] == [200, 200, 200]
    assert [movie_["slug"] for movie_ in feeds[-1].get_json()] == [popular.slug, other.slug]
    assert (rated.status_code, changed.status_code) == (201, 200)
    warnings = records.at(logging.WARNING)
    assert [line.split(" unreachable")[0] for line in warnings] == ["Model cache", "Retrain counter"]
    assert records.at(logging.ERROR) == [] and errors.at(logging.ERROR) == []
