"""The home feed's per-user cache, which is never stale (API.md 6.7).

An entry holds one user's serialised feed and the stamp it was computed under: the user's token, the catalogue
token, the model version, today's date, the language and the URL root. Writes never touch entries: after their
transaction commits, they delete the tokens of the feeds they can change (a user's own ratings, unseen marks,
platforms and profile; both sides of a friendship; a rating or (de)activation also reaches the user's friends, whose
boosts it changes) or replace the catalogue token (any catalogue write, or a bulk write whose users are unknown).
A reader takes the tokens before it reads the database, so an entry computed from data older than a commit carries
a token that commit has since removed and is never served again. Fallback feeds also expire with the rating
aggregate that ordered them (60 s, the lag API.md allows for it). FEED_CACHE_SECONDS bounds every entry's life, as
a safety net for a process that dies between a commit and its invalidation; 0 turns the cache off.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain

from flask import current_app, has_app_context, request
from sqlalchemy import inspect, select
from sqlalchemy.event import listens_for
from sqlalchemy.orm import ORMExecuteState, Session

from moviesx.extensions import cache, db
from moviesx.models import Friendship, User
from moviesx.services import recommender
from moviesx.services.clock import today, utcnow
from moviesx.services.recommendations import AGGREGATE_LIFETIME, FEED_SIZE, movies_in_order, rank

log = logging.getLogger("moviesx.feed")

ENTRY_KEY = "feed:entry:{}"
USER_TOKEN_KEY = "feed:user:{}"
CATALOG_TOKEN_KEY = "feed:catalog"
FEED_USERS_OPTION = "feed_users"  # execution option naming the users a bulk statement touches
_PENDING = "moviesx.feed_changes"

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
    body: str


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


def feed_body(user: User) -> str:
    """The JSON body of GET /api/movies/ for `user`, from the cache when its stamp is still current."""
    seconds = current_app.config["FEED_CACHE_SECONDS"]
    if seconds <= 0:
        return _compute(user)[0]
    entry_key = ENTRY_KEY.format(user.id)
    try:
        entry, user_token, catalog_token, model_version = cache.get_many(
            entry_key, USER_TOKEN_KEY.format(user.id), CATALOG_TOKEN_KEY, recommender.VERSION_KEY
        )
        user_token = user_token or _new_token(USER_TOKEN_KEY.format(user.id))
        catalog_token = catalog_token or _new_token(CATALOG_TOKEN_KEY)
    except Exception:  # noqa: BLE001 - without the cache the feed is computed, never served stale
        log.exception("Feed cache unavailable")
        return _compute(user)[0]
    stamp = (user_token, catalog_token, model_version, today().isoformat(), user.preferred_language, request.host_url)
    if isinstance(entry, Entry) and entry.stamp == stamp and _aggregate_fresh(entry.aggregate_computed_at):
        return entry.body
    # A new transaction, so that the feed sees every commit whose invalidation came before the tokens were read
    # (SQLite keeps one snapshot per transaction).
    db.session.rollback()
    body, aggregate_computed_at = _compute(user)
    if user_token and catalog_token:
        try:
            cache.set(entry_key, Entry(stamp, aggregate_computed_at, body), timeout=seconds)
        except Exception:  # noqa: BLE001
            log.exception("Could not cache a feed")
    return body


def _compute(user: User) -> tuple[str, datetime | None]:
    from moviesx.schemas.catalog import MovieSchema

    ranking = rank(user, limit=FEED_SIZE)
    movies = MovieSchema(many=True).dump(movies_in_order(ranking.movie_ids))
    return current_app.json.response(movies).get_data(as_text=True), ranking.aggregate_computed_at


def _aggregate_fresh(computed_at: datetime | None) -> bool:
    return computed_at is None or utcnow() - computed_at < AGGREGATE_LIFETIME


def _new_token(key: str) -> str | None:
    cache.add(key, secrets.token_hex(8), timeout=0)
    return cache.get(key)


def invalidate(*, users: set[int] = frozenset(), fanout: set[int] = frozenset(), catalog: bool = False) -> None:
    """Drop the tokens of `users`, of `fanout` and their friends, or (catalog) of every feed. Call after a commit."""
    try:
        if catalog:
            cache.set(CATALOG_TOKEN_KEY, secrets.token_hex(8), timeout=0)
            return
        affected = set(users) | set(fanout)
        if fanout:
            with db.engine.connect() as connection:  # after the commit: sees friendships committed meanwhile too
                affected.update(connection.scalars(select(Friendship.friend_id).where(Friendship.user_id.in_(fanout))))
        if affected:
            cache.delete_many(*(USER_TOKEN_KEY.format(user_id) for user_id in affected))
    except Exception:  # noqa: BLE001 - the write has committed; entries still expire after FEED_CACHE_SECONDS
        log.exception("Could not invalidate cached feeds")


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
