"""The app's cache backend on Redis: Flask-Caching's, with one command for many values that never expire.

Cachelib's `set_many` sends one SET per key (in one pipeline). The values the app writes many at a time without an
expiry are the feed tokens a commit replaces: 21 for a rating by a user with 20 friends, and those 21 SETs were a
sixth of a rating PUT's CPU time (redis-py checks and packs each command, then parses each reply). One MSET does the
same writes, atomically, in one command. Values with an expiry keep cachelib's way (Redis has no MSET with one).
Selected by `config.py` as CACHE_TYPE whenever REDIS_URL is set (Flask-Caching takes a backend's import path).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_caching.backends.rediscache import RedisCache as FlaskCachingRedisCache


class RedisCache(FlaskCachingRedisCache):
    def set_many(self, mapping: dict[str, Any], timeout: int | dt.timedelta | None = None) -> list[Any]:
        if not mapping or self._normalize_timeout(timeout) != -1:
            return super().set_many(mapping, timeout)
        prefix = self._get_prefix()
        self._write_client.mset({f"{prefix}{key}": self.serializer.dumps(value) for key, value in mapping.items()})
        return list(mapping)
