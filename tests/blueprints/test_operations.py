"""GET / and GET /metrics (API.md 21)."""

from __future__ import annotations

import pytest
from prometheus_client.parser import text_string_to_metric_families
from rq import SimpleWorker

from moviesx.config import REDIS_CACHE_TYPE
from moviesx.services.feed import recommender
from moviesx.services.jobs import queue, redis_connection
from tests.factories import UserFactory
from tests.support.backends import stopped_redis_url
from tests.support.recommender import movie, rate_many

TOKEN = "metrics-token-for-tests"
SCRAPE = {"Authorization": f"Bearer {TOKEN}"}
NOT_FOUND = {
    "error": "Not Found",
    "message": "The requested resource was not found.",
    "model": "unknown",
    "lookup_value": "unknown",
}
UNAUTHENTICATED = {"error": "You need to be authenticated"}


def test_index_points_to_the_docs_and_the_schema(client):
    for path in ("/", "/?lang=es"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.get_json() == {
            "name": "MoviesX API",
            "docs": "http://localhost/api/docs/",
            "schema": "http://localhost/api/schema/",
        }
    assert client.get("/", base_url="https://api.example:8443").get_json()["docs"] == "https://api.example:8443/api/docs/"
    assert client.get(client.get("/").get_json()["schema"]).status_code == 200


def test_without_a_metrics_token_the_route_does_not_exist(client):
    for method in ("GET", "POST", "OPTIONS"):
        response = client.open("/metrics", method=method, headers=SCRAPE)
        assert response.status_code == 404
        assert response.get_json() == NOT_FOUND


@pytest.fixture
def metrics_config(app_config):
    app_config["METRICS_TOKEN"] = TOKEN
    return app_config


def scrape(client) -> list:
    response = client.get("/metrics", headers=SCRAPE)
    assert response.status_code == 200
    assert response.content_type == "text/plain; version=0.0.4; charset=utf-8"
    return list(text_string_to_metric_families(response.get_data(as_text=True)))


def value(families, name: str, **labels: str) -> float | None:
    for family in families:
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return sample.value
    return None


def test_metrics_need_the_bearer_token(metrics_config, client):
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}, {"Authorization": TOKEN}):
        response = client.get("/metrics", headers=headers)
        assert response.status_code == 401
        assert response.get_json() == UNAUTHENTICATED
    assert client.get("/metrics", headers={"Authorization": "Bearer tökén"}).status_code == 401
    assert client.post("/metrics", headers=SCRAPE).status_code == 405
    assert scrape(client)


def test_requests_are_counted_by_route_template_method_and_status(metrics_config, client, as_user):
    movie_route = "/api/movies/<movie_slug:slug>/"
    expected = {
        ("moviesx_http_requests_total", ("GET", movie_route, "404")): 2,
        ("moviesx_http_request_duration_seconds_count", ("GET", movie_route)): 2,
        ("moviesx_http_requests_total", ("GET", "unknown", "404")): 1,
        ("moviesx_http_requests_total", ("other", "unknown", "405")): 1,
    }

    def counts(families):
        found = {}
        for name, values in expected:
            labels = dict(zip(("method", "route", "status"), values, strict=False))
            found[name, values] = value(families, name, **labels) or 0
        return found

    user = UserFactory()
    before = counts(scrape(client))
    for slug in ("no-such-movie", "another-one"):
        assert as_user(user).get(f"/api/movies/{slug}/").status_code == 404
    assert client.get("/some/raw/path").status_code == 404
    assert client.open("/api/movies/x/", method="BREW").status_code == 405
    families = scrape(client)
    after = counts(families)
    assert {key: after[key] - before[key] for key in expected} == expected
    routes = {sample.labels.get("route") for family in families for sample in family.samples}
    assert not {"/api/movies/no-such-movie/", "/some/raw/path"} & routes


def test_metrics_are_never_rate_limited(metrics_config, client):
    for _ in range(20):
        client.post("/api/auth/login/", json={})
    assert client.post("/api/auth/login/", json={}).status_code == 429
    for _ in range(30):
        assert client.get("/metrics", headers=SCRAPE).status_code == 200


def test_model_version_and_age(metrics_config, app, client, clock):
    assert value(scrape(client), "moviesx_recommender_model_age_seconds") is None
    films = [movie() for _ in range(3)]
    fans = UserFactory.create_batch(3)
    rate_many([(fan, film, 5) for fan in fans for film in films])
    version = recommender.retrain().version
    clock.advance(seconds=90)
    families = scrape(client)
    assert value(families, "moviesx_recommender_model_info", version=version) == 1
    assert value(families, "moviesx_recommender_model_age_seconds") == 90
    clock.advance(minutes=1)
    assert value(scrape(client), "moviesx_recommender_model_age_seconds") == 150
    newer = recommender.retrain().version
    families = scrape(client)
    assert value(families, "moviesx_recommender_model_info", version=newer) == 1
    assert value(families, "moviesx_recommender_model_info", version=version) is None
    assert value(families, "moviesx_recommender_model_age_seconds") == 0


@pytest.fixture
def redis_metrics_config(redis_app_config):
    redis_app_config["METRICS_TOKEN"] = TOKEN
    return redis_app_config


def test_queue_depth_and_failed_jobs(redis_metrics_config, app, client):
    jobs = queue()
    families = scrape(client)
    assert value(families, "moviesx_rq_queue_jobs", queue="default") == 0
    assert value(families, "moviesx_rq_failed_jobs", queue="default") == 0
    jobs.enqueue("builtins.int", "not a number")
    SimpleWorker([jobs], connection=redis_connection()).work(burst=True)
    jobs.enqueue("builtins.int", "1")
    jobs.enqueue("builtins.int", "2")
    families = scrape(client)
    assert value(families, "moviesx_rq_queue_jobs", queue="default") == 2
    assert value(families, "moviesx_rq_failed_jobs", queue="default") == 1


@pytest.fixture
def unreachable_redis_config(metrics_config):
    url = stopped_redis_url()
    metrics_config.update(REDIS_URL=url, CACHE_TYPE=REDIS_CACHE_TYPE, CACHE_REDIS_URL=url, TESTS_CACHE_UNREACHABLE=True)
    return metrics_config


def test_a_redis_outage_leaves_its_metrics_out_of_a_successful_scrape(unreachable_redis_config, client):
    client.get("/healthz")
    families = scrape(client)
    assert value(families, "moviesx_http_requests_total", method="GET", route="/healthz", status="200") >= 1
    names = {family.name for family in families}
    assert not {"moviesx_rq_queue_jobs", "moviesx_rq_failed_jobs", "moviesx_recommender_model_info"} & names
