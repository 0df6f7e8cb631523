"""The feed tokens that stamp cached feeds, and whether this process may trust the cache that holds them.

Tokens are replaced, never deleted: a user's token after any write that changes their feed, the catalogue token after
any catalogue write (it kills every entry at once).

A cache that fails (Redis unreachable) may have missed invalidations, here or in other processes that lost it too,
and may come back with the entries and tokens it had (API.md 21). So after any failed cache call this process
serves and stores no entry, computing every feed, until it has replaced the catalogue token, which kills every
entry stored until then in every process. It tries on every feed request and every write (once per second while
the cache is down) and on a timer, so that it happens within about a second of the cache answering again, even in
a process that serves nothing. Until then other processes, which saw no failure, may still serve entries that a
missed invalidation should have killed: that second, or FEED_CACHE_SECONDS if this process dies first, is the
residual window.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from dataclasses import dataclass, field

from flask import Flask, current_app, has_request_context, request

from moviesx.extensions import cache
from moviesx.services.outages import RETRY_SECONDS, Outage, outage

log = logging.getLogger("moviesx.feed")

USER_TOKEN_KEY = "feed:user:{}"
CATALOG_TOKEN_KEY = "feed:catalog"
_READ_IN_REQUEST = "moviesx.tokens_read"  # WSGI environ key: the tokens this request has read
OWNED_TOKEN_KEY = "feed:{}:{}"  # a row's token of a kind of `models.feed.OwnedToken` (profile, list), by row id


def owned_token_key(kind: str, row_id: int) -> str:
    return OWNED_TOKEN_KEY.format(kind, row_id)


class CacheWriteFailed(RuntimeError):
    """The cache answered but did not store a value (a filesystem cache that cannot write)."""


def new_token(key: str) -> str | None:
    cache.add(key, secrets.token_hex(8), timeout=0)
    return cache.get(key)


def note_read(tokens: dict[str, str | None]) -> None:
    """Remember tokens this request read from the trusted cache (by key), before it read the database: a later step
    of the same request may stamp with them, or check a stamp against them, instead of reading them again. A token
    read earlier is as good as one read now for that purpose: what it proves current was current when it was read."""
    if has_request_context():
        request.environ.setdefault(_READ_IN_REQUEST, {}).update(
            (key, token) for key, token in tokens.items() if token is not None
        )


def read_in_request(key: str) -> str | None:
    """A token `note_read()` remembered for this request, or None."""
    return request.environ.get(_READ_IN_REQUEST, {}).get(key) if has_request_context() else None


@dataclass
class _Trust:
    """This process's feed-cache failures (`failures`) and how many of them a replaced catalogue token settled."""

    failures: int = 0
    settled: int = 0
    retrying: bool = False
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def in_doubt(self) -> bool:
        return self.failures > self.settled


def _trust() -> _Trust:
    extensions = current_app.extensions
    return extensions.get("moviesx.feed_trust") or extensions.setdefault("moviesx.feed_trust", _Trust())


def _outage() -> Outage:
    return outage("Feed cache", "feeds are computed and no cached feed is trusted", log)


def trusted() -> bool:
    """Whether entries may be served and stored: no failure since the catalogue token was last replaced, or replacing
    it now (once per second while the cache is down) succeeds."""
    return not _trust().in_doubt or (_outage().due() and flush())


def catalog_copies_usable() -> bool:
    """Whether copies of the catalogue stamped with its token may be served and kept (bodies, the snapshot, movie
    keys): the catalogue cache is on (CATALOG_CACHE_SECONDS > 0) and trusted."""
    return current_app.config["CATALOG_CACHE_SECONDS"] > 0 and trusted()


def flush() -> bool:
    """Replace the catalogue token, so that no process serves an entry stored before now. This settles the failures
    recorded before the attempt (their commits came before it); True when none is left."""
    trust = _trust()
    failures = trust.failures
    try:
        if not cache.set(CATALOG_TOKEN_KEY, secrets.token_hex(8), timeout=0):
            raise CacheWriteFailed("the catalogue token could not be replaced")
    except Exception as exc:  # noqa: BLE001 - recorded: retried until it succeeds
        cache_failed(exc)
        return False
    with trust.lock:
        trust.settled = max(trust.settled, failures)
    _outage().answered()
    return not trust.in_doubt


def cache_failed(exc: Exception) -> None:
    """Record a failed cache call (logged once per outage); a timer retries `flush()` until it succeeds."""
    trust = _trust()
    with trust.lock:
        trust.failures += 1
        start_timer, trust.retrying = not trust.retrying, True
    _outage().failed(exc)
    if start_timer:
        app = current_app._get_current_object()
        threading.Thread(target=_retry_flush, args=(app, trust), name="feed-cache-flush", daemon=True).start()


def _retry_flush(app: Flask, trust: _Trust) -> None:
    """Replace the catalogue token as soon as the cache answers, even in a process that serves no feed meanwhile.

    Gives up once FEED_CACHE_SECONDS (or CATALOG_CACHE_SECONDS, the life of the catalogue's cached bodies, when
    longer) have passed without a new failure: every entry stored before the last failure has expired by then, and
    this process's own requests still flush before trusting the cache."""
    lifetime = max(app.config["FEED_CACHE_SECONDS"], app.config["CATALOG_CACHE_SECONDS"])
    failures, quiet_since = trust.failures, time.monotonic()
    while True:
        time.sleep(RETRY_SECONDS)
        with app.app_context():
            flush()
        with trust.lock:
            if trust.failures != failures:
                failures, quiet_since = trust.failures, time.monotonic()
            if not trust.in_doubt or time.monotonic() - quiet_since > lifetime:
                trust.retrying = False
                return
