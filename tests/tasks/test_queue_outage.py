"""Jobs are never lost to a queue outage (API.md 21): while Redis cannot take them, they run inline after the response."""

from __future__ import annotations

import logging

import pytest
from rq import Queue

from tests.factories import UserFactory
from tests.support import outages
from tests.support import smtp as smtp_support
from tests.support.backends import stopped_redis_url
from tests.support.recommender import ids, movie
from tests.support.smtp import code_in

smtp_server = smtp_support.smtp_server
log_of = outages.log_of
redis_proxy = outages.redis_proxy


def signup(client, name: str):
    body = {"username": name, "email": f"{name}@example.com", "first_name": "A", "last_name": "B", "password": "x" * 20}
    response = client.post("/api/auth/signup/", json=body)
    assert response.status_code == 200, response.get_json()


@pytest.fixture
def queue_down_config(app_config, smtp_server):
    app_config.update(REDIS_URL=stopped_redis_url(), **smtp_server.config())
    return app_config


def test_signup_mail_is_sent_inline_while_the_queue_is_down(queue_down_config, smtp_server, client, log_of):
    records = log_of("moviesx.tasks")
    signup(client, "first")
    signup(client, "second")
    assert [message["To"] for message in smtp_server.messages] == ["first@example.com", "second@example.com"]
    assert len(code_in(smtp_server.mailbox.last_to("first@example.com"))) == 6
    [warning] = records.at(logging.WARNING)  # one line per outage, not one per job
    assert warning.startswith("Job queue unreachable (ConnectionError: ")
    assert records.at(logging.ERROR) == []


def test_every_job_runs_inline_while_the_queue_is_down(queue_down_config, as_user, count_queries):
    user = UserFactory()
    first, second = movie(popularity=2, slug="first"), movie(popularity=1, slug="second")
    assert [item["id"] for item in as_user(user).get("/api/movies/").get_json()] == ids([first, second])
    expected = ids([second])
    client = as_user(user)
    assert client.post("/api/movies/first/ratings/", json={"rating": 5}).status_code == 201
    with count_queries() as counter:  # the warm-up job ran after the response: the feed is ready
        assert [item["id"] for item in client.get("/api/movies/").get_json()] == expected
    assert counter.count == 0, counter.statements


@pytest.fixture
def queue_behind_proxy_config(app_config, smtp_server, redis_proxy):
    app_config.update(REDIS_URL=redis_proxy.url, **smtp_server.config())
    return app_config


def test_jobs_go_to_the_queue_again_when_it_answers(queue_behind_proxy_config, redis_proxy, smtp_server, client, clock, log_of):
    from moviesx.services.jobs import redis_connection

    records = log_of("moviesx.tasks")
    redis_proxy.cut()
    signup(client, "during")
    assert [message["To"] for message in smtp_server.messages] == ["during@example.com"]

    redis_proxy.restore()
    clock.advance(seconds=1)  # while it is down the queue is tried once a second
    signup(client, "after")
    assert [message["To"] for message in smtp_server.messages] == ["during@example.com"]
    [job] = Queue("default", connection=redis_connection()).get_jobs()
    assert job.func_name == "moviesx.tasks.accounts.send_verification_email" and job.args[0] == "after@example.com"
    assert records.at(logging.INFO) == ["Job queue reachable again"]
