"""What an app remembers of a dependency it could not reach, so that an outage logs two lines, not one per request.

The first failure logs a warning naming what degrades (API.md 21); the first success after it logs the recovery.
While the dependency is down, callers try it once per RETRY_SECONDS and fail fast in between, so that a dependency
that does not answer at all (a dropped network path) costs one request a timeout, not every request. The state
lives in the app (one per worker process in production): every process detects and reports its own outage.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from flask import current_app

from moviesx.clock import utcnow

RETRY_SECONDS = 1


@dataclass
class Outage:
    name: str  # what could not be reached, as the log line names it: "Rate-limit storage"
    consequence: str  # what happens meanwhile: "requests are let through"
    log: logging.Logger
    down: bool = False
    _next_try: datetime | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def due(self) -> bool:
        """Whether to call the dependency now: always while it is up; while it is down, once per RETRY_SECONDS."""
        if not self.down:
            return True
        with self._lock:
            now = utcnow()
            if self._next_try is not None and now < self._next_try:
                return False
            self._next_try = now + timedelta(seconds=RETRY_SECONDS)
            return True

    def failed(self, exc: BaseException) -> None:
        """Note a failed call; only the first of an outage is logged."""
        with self._lock:
            began, self.down = not self.down, True
            if began:
                self._next_try = utcnow() + timedelta(seconds=RETRY_SECONDS)
        if began:
            self.log.warning("%s unreachable (%s: %s); %s until it answers", self.name, type(exc).__name__, exc, self.consequence)

    def answered(self) -> None:
        """Note a successful call; the first after an outage is logged."""
        if not self.down:
            return
        with self._lock:
            ended, self.down = self.down, False
        if ended:
            self.log.info("%s reachable again", self.name)


def outage(name: str, consequence: str, log: logging.Logger) -> Outage:
    """The current app's record of `name`, created on first use."""
    records = current_app.extensions.setdefault("moviesx.outages", {})
    return records.get(name) or records.setdefault(name, Outage(name, consequence, log))
