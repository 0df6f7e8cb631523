"""The home feed's per-user cache, which is never stale (API.md 6.7): reading and storing entries.

An entry holds one user's serialised feed and the stamp it was computed under: the user's token, the catalogue
token, the model version, today's date and the URL root. Writes never touch entries; they replace tokens
(`feed.invalidation` records what a commit changes, `feed.tokens` replaces the tokens). A reader takes the tokens
before it reads the database, so an entry computed from data older than a commit carries a token that commit has
since replaced and is never served again. Fallback feeds also expire with the rating aggregate that ordered them
(60 s, the lag API.md allows for it). FEED_CACHE_SECONDS bounds every entry's life, as a safety net for a process
that dies between a commit and its invalidation; 0 turns the cache off.

Because the user's token also covers the user's row, a current entry proves that the user was active and verified
when it was stored and still is: `cached_body()` serves it from the access token's claims alone, without the
database, when the token was not issued before the password change the entry recorded.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app, g, has_request_context, request

from moviesx.clock import today, utcnow
from moviesx.extensions import cache, db
from moviesx.http.language import set_language
from moviesx.metrics import FEED_CACHE
from moviesx.models import User
from moviesx.services import jobs
from moviesx.services.accounts.caller import CallerFacts
from moviesx.services.accounts.tokens import issued_before
from moviesx.services.catalog.representations import movie_bodies
from moviesx.services.feed import recommender
from moviesx.services.feed.reasons import Provenance, provenance_of
from moviesx.services.feed.recommendations import AGGREGATE_LIFETIME, FEED_SIZE, Ranking, rank
from moviesx.services.feed.tokens import CATALOG_TOKEN_KEY, USER_TOKEN_KEY, cache_failed, new_token, trusted

ENTRY_KEY = "feed:entry:v2:{}"  # bump the version when Entry changes shape (entries outlive deployments)
HIT, MISS, BYPASS = "hit", "miss", "bypass"  # FEED_CACHE results
WARM_JOB = "moviesx.tasks.feed.warm_feed"
WARM_SPACING = 1  # seconds between the starts of two warm-ups of one user's feed on one host


@dataclass
class Entry:
    stamp: tuple
    aggregate_computed_at: datetime | None
    password_changed_at: datetime | None
    compressed_body: bytes  # zlib: a feed of 20 movies is about 16 KB of JSON, 3 KB compressed
    provenance: Provenance  # where each movie came from, for its reasons (API.md 17)

    @property
    def body(self) -> bytes:
        return zlib.decompress(self.compressed_body)


def cached_body(claims: dict) -> bytes | None:
    """The current cached feed of the user the (verified) access token names, or None; reads no database."""
    if current_app.config["FEED_CACHE_SECONDS"] <= 0:
        return None
    values = _trusted_read(claims["user_id"])
    g.feed_read = (claims["user_id"], values)  # a miss goes on to feed_body(), which need not read them again
    if values is None:
        return None
    entry, *tokens = values
    if _servable(entry, _stamp(*tokens)) and not issued_before(claims, entry.password_changed_at):
        FEED_CACHE.labels(result=HIT).inc()
        return entry.body
    return None


def feed_body(user: User | CallerFacts, *, confirm: Callable[[], Any] | None = None) -> bytes:
    """The JSON body of GET /api/movies/ for an authenticated `user`: the cached one while current, else computed.

    `user` may be the ladder's facts of the caller instead of their row (the feed reads its id and password change
    only); `confirm` is then called (to load the row: it refuses a caller deleted or deactivated since the ladder
    passed) when neither a current entry nor the computation proved the user still active."""
    body, _, result = _serve(user, explained=False, confirm=confirm)
    FEED_CACHE.labels(result=result).inc()
    return body


def feed_with_provenance(user: User) -> tuple[bytes, Provenance]:
    """The feed body and the provenance of its movies, from the same cached entry or the same computation."""
    body, provenance, result = _serve(user)
    FEED_CACHE.labels(result=result).inc()
    return body, provenance


def _serve(
    user: User | CallerFacts, *, explained: bool = True, confirm: Callable[[], Any] | None = None
) -> tuple[bytes, Provenance | None, str]:
    """The feed body, its provenance and how the cache served it (HIT, MISS: computed and stored, BYPASS: computed
    only). A feed computed without storing it explains its model scores only when `explained` (the provenance is
    None otherwise): GET /api/movies/ does not show them, and a stored entry always holds them for its reasons."""
    seconds = current_app.config["FEED_CACHE_SECONDS"]
    values = _read_once(user.id) if seconds > 0 else None
    if values is None:
        return *_computed(user, explained, confirm), BYPASS
    entry, user_token, catalog_token, model_version = values
    try:
        user_token = user_token or new_token(USER_TOKEN_KEY.format(user.id))
        catalog_token = catalog_token or new_token(CATALOG_TOKEN_KEY)
    except Exception as exc:  # noqa: BLE001 - without the cache the feed is computed, never served stale
        cache_failed(exc)
        return *_computed(user, explained, confirm), BYPASS
    stamp = _stamp(user_token, catalog_token, model_version)
    if _servable(entry, stamp):
        return entry.body, entry.provenance, HIT
    password_changed_at = user.password_changed_at
    if db.engine.dialect.name == "sqlite":
        # A new transaction, so that the feed sees every commit whose invalidation came before the tokens were read:
        # SQLite keeps one snapshot per transaction (PostgreSQL, read committed, takes one per statement).
        db.session.rollback()
    body, ranking = _compute(user, confirm)
    if not (user_token and catalog_token):
        return body, provenance_of(ranking) if explained else None, BYPASS
    provenance = provenance_of(ranking)
    try:
        entry = Entry(stamp, ranking.aggregate_computed_at, password_changed_at, zlib.compress(body, 1), provenance)
        cache.set(ENTRY_KEY.format(user.id), entry, timeout=seconds)
    except Exception as exc:  # noqa: BLE001
        cache_failed(exc)
        return body, provenance, BYPASS
    return body, provenance, MISS


def warm_later(_sender: Flask, *, user_id: int, **_: Any) -> None:
    """Receiver of `rating_changed`, `ratings_changed` and `unseen_changed`: compute the user's feed in the background
    (RQ, or inline after the response), so that going back to the feed right after their change finds it ready
    instead of computing it. A warm-up of the user on this host that has not started yet covers this change too, and
    one starts WARM_SPACING after the previous one at the earliest: a stream of changes costs one warm-up a second,
    not one per change."""
    if current_app.config["FEED_CACHE_SECONDS"] > 0 and has_request_context():
        name = _warming(user_id, request.host_url)
        jobs.enqueue_once(name, WARM_JOB, user_id, request.host_url, spacing=WARM_SPACING, retry=False)


def warm(user_id: int, host_url: str) -> None:
    """Compute and cache the feed of an active, verified user as a request to `host_url` would see it."""
    jobs.started(_warming(user_id, host_url), WARM_SPACING)  # before reading anything: a change from now on warms again
    if not trusted():
        return  # it could not be stored
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not user.verified:
        return
    with current_app.test_request_context(base_url=host_url):
        set_language(user.preferred_language)
        _serve(user)


def _warming(user_id: int, host_url: str) -> str:
    return f"feed-warm:{user_id}:{host_url}"


def _read_once(user_id: int) -> list | None:
    """What `cached_body()` read for this user in this request, or a fresh read (tokens read earlier are as good);
    None when the cache cannot be trusted or reached."""
    earlier = g.pop("feed_read", None)
    return earlier[1] if earlier and earlier[0] == user_id else _trusted_read(user_id)


def _trusted_read(user_id: int) -> list | None:
    """`_read()`, or None when the cache cannot be trusted or reached."""
    if not trusted():
        return None
    try:
        return _read(user_id)
    except Exception as exc:  # noqa: BLE001 - the caller computes the feed instead
        cache_failed(exc)
        return None


def _read(user_id: int) -> list:
    """[entry, user token, catalogue token, model version] in one cache round trip."""
    return cache.get_many(ENTRY_KEY.format(user_id), USER_TOKEN_KEY.format(user_id), CATALOG_TOKEN_KEY, recommender.VERSION_KEY)


def _stamp(user_token: str | None, catalog_token: str | None, model_version: str | None) -> tuple:
    return (user_token, catalog_token, model_version, today().isoformat(), request.host_url)


def _servable(entry, stamp: tuple) -> bool:
    return (
        isinstance(entry, Entry)
        and None not in stamp[:2]
        and entry.stamp == stamp
        and (entry.aggregate_computed_at is None or utcnow() - entry.aggregate_computed_at < AGGREGATE_LIFETIME)
    )


def _computed(user: User | CallerFacts, explained: bool, confirm: Callable[[], Any] | None) -> tuple[bytes, Provenance | None]:
    """A feed computed without the cache: its body and (when `explained`) its provenance."""
    body, ranking = _compute(user, confirm)
    return body, provenance_of(ranking) if explained else None


def _compute(user: User | CallerFacts, confirm: Callable[[], Any] | None) -> tuple[bytes, Ranking]:
    ranking = rank(user, limit=FEED_SIZE, watchlist_excluded=True)
    if confirm is not None and not ranking.proves_active:
        confirm()  # before anything is stored or answered
    # The movies' bodies are the catalogue's (cached under the catalogue token, language and host; serialised from the
    # database when the catalogue cache is off or cannot be reached), written as `current_app.json.response` would.
    body = b"[" + b",".join(movie_bodies(ranking.movie_ids)) + b"]\n"
    return body, ranking
