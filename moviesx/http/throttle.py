"""Rate-limit buckets on a moving 60 s window (API.md 7.6), through Flask-Limiter's storage."""

from __future__ import annotations

import math
import time

from flask import current_app
from limits import parse

from moviesx.extensions import limiter
from moviesx.http.errors import APIError, translate

BUCKETS = {
    "auth": "20/minute",
    "token": "60/minute",
    "user": "2000/minute",
    "translation": "30/minute",
}


def throttle(bucket: str, key: str | int) -> None:
    """Count one request in `bucket` for `key`; a refused request is not counted and raises 429."""
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    item = parse(BUCKETS[bucket])
    strategy = limiter.limiter
    if strategy.hit(item, bucket, str(key)):
        return
    reset_at, _remaining = strategy.get_window_stats(item, bucket, str(key))
    raise throttled(reset_at - time.time())


def throttled(seconds_left: float) -> APIError:
    seconds = max(1, math.ceil(seconds_left))
    template = (
        "Request was throttled. Expected available in {n} second."
        if seconds == 1
        else "Request was throttled. Expected available in {n} seconds."
    )
    return APIError(429, {"detail": translate(template, n=seconds)}, {"Retry-After": str(seconds)})
