"""Ratings posted over HTTP count towards RECOMMENDER_RETRAIN_AFTER and trigger a retrain (API.md 11)."""

from __future__ import annotations

import pytest

from moviesx.services.feed import recommender
from tests.factories import MovieFactory, UserFactory


def test_rating_writes_trigger_the_retrain(app, as_user):
    app.config["RECOMMENDER_RETRAIN_AFTER"] = 3
    users = [UserFactory() for _ in range(2)]
    movies = [MovieFactory() for _ in range(3)]
    assert as_user(users[0]).post(f"/api/movies/{movies[0].slug}/ratings/", json={"rating": 5}).status_code == 201
    assert as_user(users[1]).post(f"/api/movies/{movies[0].slug}/ratings/", json={"rating": 4}).status_code == 201
    assert recommender.stored_version() is None
    # a changed rating counts too; the third change runs the retrain (inline: no REDIS_URL)
    assert as_user(users[0]).put(f"/api/movies/{movies[0].slug}/ratings/", json={"rating": 4}).status_code == 200
    assert recommender.stored_version() is not None


def test_refused_ratings_do_not_count(app, as_user):
    app.config["RECOMMENDER_RETRAIN_AFTER"] = 1
    user = UserFactory()
    movie = MovieFactory()
    assert as_user(user).post(f"/api/movies/{movie.slug}/ratings/", json={"rating": 9}).status_code == 400
    assert as_user(user).put(f"/api/movies/{movie.slug}/ratings/", json={"rating": 3}).status_code == 404
    assert recommender.stored_version() is None


class TestWithRedis:
    @pytest.fixture
    def app_config(self, redis_app_config):
        return redis_app_config

    def test_at_most_one_retrain_waits_in_the_queue(self, app, as_user):
        """Thresholds crossed while a retrain waits enqueue nothing (it will train on those changes too); once it has
        started, the next threshold enqueues the next one."""
        from moviesx.services.jobs import queue
        from moviesx.tasks.recommender import retrain_model

        app.config["RECOMMENDER_RETRAIN_AFTER"] = 1
        user = UserFactory()
        movies = [MovieFactory() for _ in range(3)]
        for movie in movies[:2]:
            assert as_user(user).post(f"/api/movies/{movie.slug}/ratings/", json={"rating": 5}).status_code == 201
        assert as_user(user).put(f"/api/movies/{movies[0].slug}/ratings/", json={"rating": 4}).status_code == 200
        retrains = [job for job in queue().jobs if job.func_name == recommender.RETRAIN_JOB]
        assert len(retrains) == 1
        retrains[0].delete()
        retrain_model()  # as the worker runs it: it starts, then trains
        assert recommender.stored_version() is not None
        assert as_user(user).post(f"/api/movies/{movies[2].slug}/ratings/", json={"rating": 5}).status_code == 201
        assert [job.func_name for job in queue().jobs if job.func_name == recommender.RETRAIN_JOB] == [recommender.RETRAIN_JOB]
