"""Email cooldowns (API.md 7.3), kept in Flask-Caching: Redis in production, the filesystem cache otherwise.

Each entry stores the moment the cooldown ends, read against the application clock, so an injected
clock moves cooldowns too; the cache timeout only cleans the entry up afterwards. A cooldown guards
against abuse, so it fails closed: when the cache cannot be reached the request answers 503 (API.md 21).
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app

from moviesx.clock import to_timestamp, utcnow
from moviesx.extensions import cache
from moviesx.http.errors import unavailable

log = logging.getLogger("moviesx.cooldowns")

RESEND_VERIFICATION = "resend"
FORGOT_PASSWORD = "forgot"


@contextmanager
def cache_required() -> Iterator[None]:
    """Around the cache calls of a guard against abuse: an unreachable cache is a 503, never a way through."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - any cache backend error
        log.warning("Cache unavailable for an abuse guard", exc_info=True)
        raise unavailable("cache") from exc


def _key(kind: str, subject: str) -> str:
    return f"cooldown:{kind}:{hashlib.sha256(subject.encode('utf-8', 'surrogatepass')).hexdigest()}"


def start(kind: str, subject: str) -> int:
    """Start the cooldown of `subject` and return 0, or return the whole seconds left (1..60) of a running one."""
    seconds = current_app.config["EMAIL_COOLDOWN_SECONDS"]
    if seconds <= 0:
        return 0
    key = _key(kind, subject)
    now = to_timestamp(utcnow())
    ends_at = now + seconds
    with cache_required():
        if cache.add(key, ends_at, timeout=seconds):
            return 0
        running = cache.get(key)
        if isinstance(running, (int, float)) and running > now:
            return max(1, math.ceil(running - now))
        cache.set(key, ends_at, timeout=seconds)
    return 0


def resend_verification(user_id: int) -> int:
    """One verification email per cooldown and user: resends and email changes share it (API.md 23)."""
    return start(RESEND_VERIFICATION, str(user_id))


def forgot_password(email: str) -> int:
    return start(FORGOT_PASSWORD, email.lower())
