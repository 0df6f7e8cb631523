"""A real RQ worker process warms the feed of a user who just rated a movie; the server then answers from it."""

from __future__ import annotations

from moviesx.services.feed import cache as feed_cache
from moviesx.services.jobs import queue
from tests.factories import UserFactory
from tests.support.recommender import movie
from tests.tasks.test_retrain_worker import run_worker


def test_a_worker_warms_the_raters_feed(redis_app_config, app, as_user, count_queries):
    user = UserFactory()
    movie(popularity=2, slug="first")
    second = movie(popularity=1, slug="second")
    assert as_user(user).post("/api/movies/first/ratings/", json={"rating": 5}).status_code == 201
    assert queue().count == 1
    with app.test_request_context():
        assert feed_cache.cached_body({"user_id": user.id, "iat": 0}) is None  # nothing ran in this process

    result = run_worker(app)
    assert result.returncode == 0, result.stderr
    assert queue().count == 0
    with count_queries() as counter:
        response = as_user(user).get("/api/movies/")
    assert counter.count == 0
    assert [item["id"] for item in response.get_json()] == [second.id]
