"""The home feed's per-user cache, which is never stale (API.md 6.7).

An entry holds one user's serialised feed and the stamp it was computed under: the user's token, the catalogue
token, the model version, today's date and the URL root. Writes never touch entries: after their transaction
commits, they replace the tokens of the feeds they can change (any change to a user's row, such as language,
activation or password; the user's ratings, unseen marks and platforms; both sides of a friendship; a rating or
(de)activation also reaches the user's friends, whose boosts it changes) or the catalogue token (any catalogue
write, or a bulk write whose users are unknown). A reader takes the tokens before it reads the database, so an
entry computed from data older than a commit carries a token that commit has since replaced and is never served
again. Fallback feeds also expire with the rating aggregate that ordered them (60 s, the lag API.md allows for it).
FEED_CACHE_SECONDS bounds every entry's life, as a safety net for a process that dies between a commit and its
invalidation; 0 turns the cache off.

Because the user's token also covers the user's row, a current entry proves that the user was active and verified
when it was stored and still is: `cached_body()` serves it from the access token's claims alone, without the
database, when the token was not issued before the password change the entry recorded.

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
import zlib
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from flask import Flask, current_app, g, has_app_context, has_request_context, request
from sqlalchemy import inspect, select
from sqlalchemy.event import listens_for
from sqlalchemy.orm import ORMExecuteState, Session

from moviesx.extensions import cache, db
from moviesx.http.language import active_language, set_language
from moviesx.metrics import FEED_CACHE
from moviesx.models import Friendship, User
from moviesx.services import recommender
from moviesx.services.clock import today, utcnow
from moviesx.services.jobs import enqueue
from moviesx.services.outages import RETRY_SECONDS, Outage, outage
from moviesx.services.recommendations import AGGREGATE_LIFETIME, FEED_SIZE, movies_in_order, rank
from moviesx.services.tokens import issued_before

log = logging.getLogger("moviesx.feed")

ENTRY_KEY = "feed:entry:v1:{}"  # bump the version when Entry changes shape (entries outlive deployments)
USER_TOKEN_KEY = "feed:user:{}"
CATALOG_TOKEN_KEY = "feed:catalog"
MOVIE_KEY = "feed:movie:{}:{}:{}:{}"  # id, language, catalogue token, URL root -> the serialised Movie
FEED_USERS_OPTION = "feed_users"  # execution option naming the users a bulk statement touches
_PENDING = "moviesx.feed_changes"
HIT, MISS, BYPASS = "hit", "miss", "bypass"  # FEED_CACHE results

CATALOG_TABLES = frozenset(
    {
        "movies",
        "movie_translations",
        "movie_genres",
        "movie_platforms",
        "movie_awards",
        "movie_actors",
        "movie_directors",
        "genres",
        "genre_translations",
        "platforms",
        "awards",
        "persons",
        "person_translations",
        "person_awards",
    }
)
# Per-user tables: the columns naming the users whose feeds a row changes.
USER_COLUMNS = {
    "users": ("id",),
    "user_platforms": ("user_id",),
    "ratings": ("user_id",),
    "unseen_marks": ("user_id",),
    "friendships": ("user_id", "friend_id"),
}
FANOUT_TABLES = frozenset({"ratings"})  # a rating also changes the friend boosts of the rater's friends


@dataclass
class Entry:
    stamp: tuple
    aggregate_computed_at: datetime | None
    password_changed_at: datetime | None
    compressed_body: bytes  # zlib: a feed of 20 movies is about 16 KB of JSON, 3 KB compressed

    @property
    def body(self) -> bytes:
        return zlib.decompress(self.compressed_body)


class CacheWriteFailed(RuntimeError):
    """The cache answered but did not store a value (a filesystem cache that cannot write)."""


@dataclass
class _Changes:
    """What a transaction's writes invalidate, collected during flushes and applied after the commit."""

    users: set[int] = field(default_factory=set)
    fanout: set[int] = field(default_factory=set)
    catalog: bool = False

    def touch(self, table: str | None, user_ids: tuple | None) -> None:
        if table in CATALOG_TABLES or (table in USER_COLUMNS and user_ids is None):
            self.catalog = True
        elif table in USER_COLUMNS:
            self.users.update(user_ids)
            if table in FANOUT_TABLES:
                self.fanout.update(user_ids)


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


def feed_body(user: User) -> bytes:
    """The JSON body of GET /api/movies/ for an authenticated `user`: the cached one while current, else computed."""
    body, result = _serve(user)
    FEED_CACHE.labels(result=result).inc()
    return body


def _serve(user: User) -> tuple[bytes, str]:
    """The feed body and how the cache served it (HIT, MISS: computed and stored, BYPASS: computed only)."""
    seconds = current_app.config["FEED_CACHE_SECONDS"]
    values = _read_once(user.id) if seconds > 0 else None
    if values is None:
        return _compute(user)[0], BYPASS
    entry, user_token, catalog_token, model_version = values
    try:
        user_token = user_token or _new_token(USER_TOKEN_KEY.format(user.id))
        catalog_token = catalog_token or _new_token(CATALOG_TOKEN_KEY)
    except Exception as exc:  # noqa: BLE001 - without the cache the feed is computed, never served stale
        _cache_failed(exc)
        return _compute(user)[0], BYPASS
    stamp = _stamp(user_token, catalog_token, model_version)
    if _servable(entry, stamp):
        return entry.body, HIT
    password_changed_at = user.password_changed_at
    if db.engine.dialect.name == "sqlite":
        # A new transaction, so that the feed sees every commit whose invalidation came before the tokens were read:
        # SQLite keeps one snapshot per transaction (PostgreSQL, read committed, takes one per statement).
        db.session.rollback()
    body, aggregate_computed_at = _compute(user, catalog_token)
    if not (user_token and catalog_token):
        return body, BYPASS
    try:
        entry = Entry(stamp, aggregate_computed_at, password_changed_at, zlib.compress(body, 1))
        cache.set(ENTRY_KEY.format(user.id), entry, timeout=seconds)
    except Exception as exc:  # noqa: BLE001
        _cache_failed(exc)
        return body, BYPASS
    return body, MISS


def warm_later(user: User) -> None:
    """After the user's own rating or unseen change: compute their feed in the background (RQ, or inline after the
    response), so that going back to the feed right after it finds it ready instead of computing it."""
    if current_app.config["FEED_CACHE_SECONDS"] > 0 and has_request_context():
        enqueue("moviesx.tasks.feed.warm_feed", user.id, request.host_url, retry=False)


def warm(user_id: int, host_url: str) -> None:
    """Compute and cache the feed of an active, verified user as a request to `host_url` would see it."""
    if not _trusted():
        return  # it could not be stored
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or not user.verified:
        return
    with current_app.test_request_context(base_url=host_url):
        set_language(user.preferred_language)
        _serve(user)


def _read_once(user_id: int) -> list | None:
    """What `cached_body()` read for this user in this request, or a fresh read (tokens read earlier are as good);
    None when the cache cannot be trusted or reached."""
    earlier = g.pop("feed_read", None)
    return earlier[1] if earlier and earlier[0] == user_id else _trusted_read(user_id)


def _trusted_read(user_id: int) -> list | None:
    """`_read()`, or None when the cache cannot be trusted or reached."""
    if not _trusted():
        return None
    try:
        return _read(user_id)
    except Exception as exc:  # noqa: BLE001 - the caller computes the feed instead
        _cache_failed(exc)
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


def _compute(user: User, catalog_token: str | None = None) -> tuple[bytes, datetime | None]:
    ranking = rank(user, limit=FEED_SIZE)
    movies = _serialised_movies(ranking.movie_ids, catalog_token)
    return current_app.json.response(movies).get_data(), ranking.aggregate_computed_at


def _serialised_movies(movie_ids: list[int], catalog_token: str | None) -> list[dict]:
    """The Movie objects of `movie_ids`, in order; each is cached under the catalogue token, language and host."""
    from moviesx.schemas.catalog import MovieSchema

    keys = {movie_id: MOVIE_KEY.format(movie_id, active_language(), catalog_token, request.host_url) for movie_id in movie_ids}
    found = {}
    if catalog_token is not None:
        try:
            found = {
                movie_id: dumped for movie_id, dumped in zip(movie_ids, cache.get_many(*keys.values()), strict=True) if dumped
            }
        except Exception as exc:  # noqa: BLE001 - serialise them from the database instead
            _cache_failed(exc)
            catalog_token = None
    missing = [movie_id for movie_id in movie_ids if movie_id not in found]
    if missing:
        fresh = {movie["id"]: movie for movie in MovieSchema(many=True).dump(movies_in_order(missing))}
        found.update(fresh)
        if catalog_token is not None and fresh:
            try:
                cache.set_many(
                    {keys[movie_id]: movie for movie_id, movie in fresh.items()}, timeout=current_app.config["FEED_CACHE_SECONDS"]
                )
            except Exception as exc:  # noqa: BLE001
                _cache_failed(exc)
    return [found[movie_id] for movie_id in movie_ids if movie_id in found]


def _new_token(key: str) -> str | None:
    cache.add(key, secrets.token_hex(8), timeout=0)
    return cache.get(key)


def invalidate(*, users: set[int] = frozenset(), fanout: set[int] = frozenset(), catalog: bool = False) -> None:
    """Give new tokens to `users`, to `fanout` and their friends, or (catalog) to every feed. Call after a commit.

    Tokens are replaced, not deleted: a delete cannot tell a failure from a reader that recreated the token at once.
    """
    if catalog:
        _flush()
        return
    if not _trusted():
        return  # the catalogue token is replaced as soon as the cache answers: that invalidates this commit too
    try:
        affected = set(users) | set(fanout)
        if fanout:
            with db.engine.connect() as connection:  # after the commit: sees friendships committed meanwhile too
                affected.update(connection.scalars(select(Friendship.friend_id).where(Friendship.user_id.in_(fanout))))
        tokens = {USER_TOKEN_KEY.format(user_id): secrets.token_hex(8) for user_id in affected}
        if tokens and len(cache.set_many(tokens, timeout=0)) != len(tokens):
            raise CacheWriteFailed("not every feed token could be replaced")
    except Exception as exc:  # noqa: BLE001 - the write has committed; the next flush invalidates what this missed
        _cache_failed(exc)


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


def _trusted() -> bool:
    """Whether entries may be served and stored: no failure since the catalogue token was last replaced, or replacing
    it now (once per second while the cache is down) succeeds."""
    return not _trust().in_doubt or (_outage().due() and _flush())


def _flush() -> bool:
    """Replace the catalogue token, so that no process serves an entry stored before now. This settles the failures
    recorded before the attempt (their commits came before it); True when none is left."""
    trust = _trust()
    failures = trust.failures
    try:
        if not cache.set(CATALOG_TOKEN_KEY, secrets.token_hex(8), timeout=0):
            raise CacheWriteFailed("the catalogue token could not be replaced")
    except Exception as exc:  # noqa: BLE001 - recorded: retried until it succeeds
        _cache_failed(exc)
        return False
    with trust.lock:
        trust.settled = max(trust.settled, failures)
    _outage().answered()
    return not trust.in_doubt


def _cache_failed(exc: Exception) -> None:
    """Record a failed cache call (logged once per outage); a timer retries `_flush()` until it succeeds."""
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

    Gives up once FEED_CACHE_SECONDS have passed without a new failure: every entry stored before the last failure
    has expired by then, and this process's own feed requests still flush before trusting the cache."""
    lifetime = app.config["FEED_CACHE_SECONDS"]
    failures, quiet_since = trust.failures, time.monotonic()
    while True:
        time.sleep(RETRY_SECONDS)
        with app.app_context():
            _flush()
        with trust.lock:
            if trust.failures != failures:
                failures, quiet_since = trust.failures, time.monotonic()
            if not trust.in_doubt or time.monotonic() - quiet_since > lifetime:
                trust.retrying = False
                return


def note_bulk_write(session: Session) -> None:
    """Record a write the session cannot see (COPY): it invalidates every feed when the transaction commits."""
    _pending(session).catalog = True


def _pending(session: Session) -> _Changes:
    return session.info.setdefault(_PENDING, _Changes())


@listens_for(Session, "after_flush")
def _record_flushed_changes(session: Session, _context) -> None:
    for instance in chain(session.new, session.dirty, session.deleted):
        table = getattr(type(instance), "__tablename__", None)
        if table not in CATALOG_TABLES and table not in USER_COLUMNS:
            continue
        if instance in session.dirty and not session.is_modified(instance):
            continue
        state = inspect(instance)
        user_ids = tuple(state.dict.get(column) for column in USER_COLUMNS.get(table, ()))
        _pending(session).touch(table, None if None in user_ids else user_ids)  # (unknown users: every feed)
        if table == "users" and state.attrs.is_active.history.has_changes():
            _pending(session).fanout.update(user_ids)  # (de)activation changes the friends' boosts


@listens_for(Session, "do_orm_execute")
def _record_bulk_statements(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(getattr(state.statement, "table", None), "name", None)
    user_ids = state.execution_options.get(FEED_USERS_OPTION)
    _pending(state.session).touch(table, None if user_ids is None else tuple(user_ids))


@listens_for(Session, "after_commit")
def _invalidate_after_commit(session: Session) -> None:
    changes = session.info.pop(_PENDING, None)
    if changes and has_app_context():
        invalidate(users=changes.users, fanout=changes.fanout, catalog=changes.catalog)


@listens_for(Session, "after_rollback")
def _forget_rolled_back_changes(session: Session) -> None:
    session.info.pop(_PENDING, None)
