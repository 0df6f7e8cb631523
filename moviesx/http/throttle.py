"""Rate-limit buckets on a moving 60 s window (API.md 7.6), counted in the app's `limits` storage.

Rate limiting only spreads load, so it fails open (API.md 21): while its storage cannot be reached, requests are let
through and counted in RATE_LIMIT_STORAGE_ERRORS. The storage raises limits' StorageError for that
(RATELIMIT_STORAGE_OPTIONS sets `wrap_exceptions`, and short socket timeouts for Redis).
"""

from __future__ import annotations

import logging
import math
import time

from flask import current_app
from limits import parse
from limits.errors import StorageError

from moviesx.extensions import limiter
from moviesx.http.errors import APIError, translate
from moviesx.metrics import RATE_LIMIT_STORAGE_ERRORS
from moviesx.services.outages import outage

log = logging.getLogger("moviesx.throttle")

BUCKETS = {
    "auth": "20/minute",
    "token": "60/minute",
    "user": "2000/minute",
    "translation": "30/minute",
    "export": "5/hour",  # per user (API.md 18)
}


def throttle(bucket: str, key: str | int) -> None:
    """Count one request in `bucket` for `key`; a refused request is not counted and raises 429."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    storage = outage("Rate-limit storage", "requests are let through without rate limiting", log)
    if not storage.due():
        RATE_LIMIT_STORAGE_ERRORS.inc()
        return
    item = parse(BUCKETS[bucket])
    strategy = limiter.strategy
    try:
        allowed = strategy.hit(item, bucket, str(key))
        reset_at = None if allowed else strategy.get_window_stats(item, bucket, str(key))[0]
    except StorageError as exc:
        RATE_LIMIT_STORAGE_ERRORS.inc()
        storage.failed(exc)
        return
    storage.answered()
    if not allowed:
        raise throttled(reset_at - time.time())


def throttled(seconds_left: float) -> APIError:
    seconds = max(1, math.ceil(seconds_left))
    template = (
        "Request was throttled. Expected available in {n} second."
        if seconds == 1
        else "Request was throttled. Expected available in {n} seconds."
    )
    return APIError(429, {"detail": translate(template, n=seconds)}, {"Retry-After": str(seconds)})
