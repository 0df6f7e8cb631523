"""Fixtures for the cached profile and list bodies (issue 14): the cache they run on, parametrised over the test
suite's file cache and Redis (when configured), and a cache that cannot be reached."""

from __future__ import annotations

import pytest
from redis import Redis

from moviesx.config import REDIS_CACHE_TYPE
from tests.support.backends import redis_url, stopped_redis_url


def cache_on(app_config: dict, kind: str) -> dict:
    """`app_config` with its cache on `kind`: "file" (the suite's default) or "redis" (the worker's emptied db)."""
    if kind == "redis":
        url = redis_url()
        Redis.from_url(url).flushdb()
        app_config.update(CACHE_TYPE=REDIS_CACHE_TYPE, CACHE_REDIS_URL=url)
    return app_config


def unreachable(app_config: dict) -> dict:
    app_config.update(CACHE_TYPE=REDIS_CACHE_TYPE, CACHE_REDIS_URL=stopped_redis_url(), TESTS_CACHE_UNREACHABLE=True)
    return app_config


@pytest.fixture(name="cache_kind", params=["file", "redis"])
def cache_kind_fixture(request) -> str:
    return request.param
