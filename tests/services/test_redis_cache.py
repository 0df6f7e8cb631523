"""The Redis cache backend writes many values without expiry in one MSET, readable as cachelib wrote them."""

from __future__ import annotations

from redis import Redis

from moviesx.extensions import cache
from moviesx.services.redis_cache import RedisCache
from tests.support.backends import redis_url


def test_values_without_expiry_are_written_at_once_and_read_back(redis_app_config, app):
    backend = cache.cache
    assert isinstance(backend, RedisCache)
    redis = Redis.from_url(redis_url())
    values = {"feed:user:1": "0123456789abcdef", "feed:user:2": ("stamp", b"body", 3), "count": 7}
    commands_before = redis.info("commandstats").get("cmdstat_mset", {}).get("calls", 0)
    assert cache.set_many(values, timeout=0) == list(values)
    assert redis.info("commandstats")["cmdstat_mset"]["calls"] == commands_before + 1
    assert cache.get_many(*values) == list(values.values())
    assert {redis.ttl(f"{backend.key_prefix}{key}") for key in values} == {-1}  # never expire


def test_values_with_an_expiry_keep_it(redis_app_config, app):
    assert cache.set_many({"a": 1, "b": "two"}, timeout=60) == ["a", "b"]
    assert cache.get_many("a", "b") == [1, "two"]
    redis = Redis.from_url(redis_url())
    assert 0 < redis.ttl(f"{cache.cache.key_prefix}a") <= 60
    assert cache.set_many({}, timeout=0) == []
