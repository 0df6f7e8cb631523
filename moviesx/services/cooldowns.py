"""Email cooldowns (API.md 7.3), kept in Flask-Caching: Redis in production, the filesystem cache otherwise.

Each entry stores the moment the cooldown ends, read against the application clock, so an injected
clock moves cooldowns too; the cache timeout only cleans the entry up afterwards.
"""

from __future__ import annotations

import hashlib
import math

from flask import current_app

from moviesx.extensions import cache
from moviesx.services.clock import to_timestamp, utcnow

RESEND_VERIFICATION = "resend"
FORGOT_PASSWORD = "forgot"


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
    if cache.add(key, ends_at, timeout=seconds):
        return 0
    running = cache.get(key)
    if isinstance(running, (int, float)) and running > now:
        return max(1, math.ceil(running - now))
    cache.set(key, ends_at, timeout=seconds)
    return 0


def resend_verification(user_id: int) -> int:
    return start(RESEND_VERIFICATION, str(user_id))


def forgot_password(email: str) -> int:
    return start(FORGOT_PASSWORD, email.lower())
