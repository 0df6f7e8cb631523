"""The rate-limit counters of one app: a `limits` storage and its moving-window strategy (API.md 7.6).

MoviesX uses the `limits` library directly rather than through Flask-Limiter: the contract's buckets are shared
across endpoints, keyed by client IP or by the user that passed the authentication ladder, and counted after that
ladder (API.md 1.7) – an explicit `hit` where the ladder ends, not a decorator evaluated around the view.
"""

from __future__ import annotations

from flask import Flask, current_app
from limits.storage import Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter


class RateLimits:
    """Bound per app by `init_app`, from RATELIMIT_STORAGE_URI and RATELIMIT_STORAGE_OPTIONS."""

    def init_app(self, app: Flask) -> None:
        storage = storage_from_string(app.config["RATELIMIT_STORAGE_URI"], **app.config.get("RATELIMIT_STORAGE_OPTIONS", {}))
        app.extensions["rate_limits"] = MovingWindowRateLimiter(storage)

    @property
    def strategy(self) -> MovingWindowRateLimiter:
        return current_app.extensions["rate_limits"]

    @property
    def storage(self) -> Storage:
        return self.strategy.storage
