"""Feed warm-ups coalesce: while one waits in the queue, further changes of the user enqueue nothing, and the one that
runs sees them all (it starts after their commits); the next starts WARM_SPACING after the previous one at the
earliest. Its marker never blocks warm-ups for long."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from redis import Redis
from rq.job import Job
from rq.registry import ScheduledJobRegistry

from moviesx.services import jobs
from moviesx.services.feed import cache as feed_cache
from moviesx.services.jobs import queue
from moviesx.tasks.feed import warm_feed
from tests.factories import UserFactory
from tests.support import outages
from tests.support.recommender import ids, movie
from tests.tasks.test_retrain_worker import run_worker

redis_proxy = outages.redis_proxy
HOST = "http://localhost/"


def pending_markers(app) -> list[bytes]:
    return Redis.from_url(app.config["REDIS_URL"]).keys(jobs.PENDING_KEY.format("*"))


def scheduled() -> ScheduledJobRegistry:
    return ScheduledJobRegistry(queue=queue())


def test_changes_in_a_row_enqueue_one_warm_up_that_sees_the_last(redis_app_config, app, as_user, count_queries):
    user = UserFactory()
    movie(popularity=3, slug="first")
    movie(popularity=2, slug="second")
    expected = ids([movie(popularity=1, slug="third")])
    assert as_user(user).post("/api/movies/first/ratings/", json={"rating": 5}).status_code == 201
    assert as_user(user).put("/api/movies/first/ratings/", json={"rating": 4}).status_code == 200
    assert as_user(user).post("/api/movies/second/unseen/").status_code == 200
    assert queue().count == 1

    result = run_worker(app)
    assert result.returncode == 0, result.stderr
    with count_queries() as counter:
        response = as_user(user).get("/api/movies/")
    assert counter.count == 0  # served from what the one warm-up stored
    assert [item["id"] for item in response.get_json()] == expected  # after the last change


def test_a_change_after_the_warm_up_started_enqueues_another_spaced_from_it(redis_app_config, app, as_user, count_queries):
    user = UserFactory()
    movie(popularity=3, slug="first")
    movie(popularity=2, slug="second")
    expected = ids([movie(popularity=1, slug="third")])
    assert as_user(user).post("/api/movies/first/ratings/", json={"rating": 5}).status_code == 201
    [pending] = queue().get_jobs()
    pending.perform()  # the warm-up starts (and finishes)
    queue().empty()
    assert pending_markers(app) == []

    assert as_user(user).put("/api/movies/first/ratings/", json={"rating": 3}).status_code == 200
    assert as_user(user).post("/api/movies/second/unseen/").status_code == 200
    assert queue().count == 0  # RQ's scheduler enqueues it when due
    [job_id] = scheduled().get_job_ids()
    job = Job.fetch(job_id, connection=queue().connection)
    assert job.func_name == feed_cache.WARM_JOB and job.args == (user.id, HOST)
    due = scheduled().get_scheduled_time(job)
    assert datetime.now(UTC) - timedelta(seconds=1) <= due <= datetime.now(UTC) + timedelta(seconds=feed_cache.WARM_SPACING)

    job.perform()  # as the worker runs it when due
    with count_queries() as counter:
        response = as_user(user).get("/api/movies/")
    assert counter.count == 0
    assert [item["id"] for item in response.get_json()] == expected  # it saw both changes


def test_a_change_after_the_spacing_enqueues_at_once(redis_app_config, app, as_user):
    user = UserFactory()
    movie(slug="first")
    assert as_user(user).post("/api/movies/first/ratings/", json={"rating": 5}).status_code == 201
    queue().get_jobs()[0].perform()
    queue().empty()
    redis = Redis.from_url(app.config["REDIS_URL"])
    [started] = redis.keys(jobs.STARTED_KEY.format("*"))
    assert 0 < redis.ttl(started) <= feed_cache.WARM_SPACING
    redis.delete(started)  # as when it expires

    assert as_user(user).put("/api/movies/first/ratings/", json={"rating": 3}).status_code == 200
    assert queue().count == 1 and scheduled().count == 0


def test_warm_ups_are_pending_per_user_and_host(redis_app_config, app, as_user):
    one, other = UserFactory(), UserFactory()
    movie(slug="first")
    for user in (one, other):
        assert as_user(user).post("/api/movies/first/ratings/", json={"rating": 5}).status_code == 201
    assert as_user(one).put("/api/movies/first/ratings/", json={"rating": 4}, base_url="http://other.example").status_code == 200
    assert sorted((job.args[0], job.args[1]) for job in queue().get_jobs()) == sorted(
        [(one.id, HOST), (other.id, HOST), (one.id, "http://other.example/")]
    )


def test_a_failed_warm_up_leaves_no_marker_behind(redis_app_config, app, as_user, monkeypatch):
    user = UserFactory()
    movie(slug="first")
    assert as_user(user).post("/api/movies/first/ratings/", json={"rating": 5}).status_code == 201

    def broken(_user):
        raise RuntimeError("the warm-up fails")

    monkeypatch.setattr(feed_cache, "_serve", broken)
    with pytest.raises(RuntimeError):
        warm_feed(user.id, HOST)
    monkeypatch.undo()
    queue().empty()  # the failed job is gone
    assert as_user(user).put("/api/movies/first/ratings/", json={"rating": 4}).status_code == 200
    assert queue().count + scheduled().count == 1  # at once, or spaced from the failed one


def test_the_marker_expires_by_itself(redis_app_config, app, as_user):
    """A warm-up that never starts (lost, or not enqueued after its marker was set) delays the next one a short while."""
    user = UserFactory()
    movie(slug="first")
    assert as_user(user).post("/api/movies/first/ratings/", json={"rating": 5}).status_code == 201
    [marker] = pending_markers(app)
    assert 0 < Redis.from_url(app.config["REDIS_URL"]).ttl(marker) <= feed_cache.WARM_SPACING + jobs.PENDING_SECONDS


@pytest.fixture
def queue_behind_proxy_config(app_config, redis_proxy):
    app_config.update(REDIS_URL=redis_proxy.url)  # the cache stays on the filesystem
    return app_config


def test_an_outage_leaves_no_marker_that_blocks_warm_ups(
    queue_behind_proxy_config, redis_proxy, app, as_user, clock, count_queries
):
    user = UserFactory()
    movie(popularity=2, slug="first")
    expected = ids([movie(popularity=1, slug="second")])
    redis_proxy.cut()
    client = as_user(user)
    assert client.post("/api/movies/first/ratings/", json={"rating": 5}).status_code == 201
    with count_queries() as counter:  # warmed inline after the response
        assert [item["id"] for item in client.get("/api/movies/").get_json()] == expected
    assert counter.count == 0

    redis_proxy.restore()
    clock.advance(seconds=1)  # while it is down the queue is tried once a second
    assert as_user(user).post("/api/movies/second/unseen/").status_code == 200
    assert queue().count == 1
