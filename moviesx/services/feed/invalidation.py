"""What a commit changes in the feeds, recorded by session listeners and applied once the transaction commits.

Each table declares which feeds its writes change (`moviesx.models.feed`): a change to a user's row, ratings, unseen
marks and platforms, and to both sides of a friendship replaces those users' feed tokens; a rating or (de)activation
also reaches their friends, whose boosts it changes. A catalogue write, or a per-user write whose users are unknown
(a bulk statement without `feed_users`, a COPY), replaces the catalogue token. A table that declares cache tokens
(`models.feed.OwnedToken`: a user's profile, a list) has the tokens of the rows its writes touch replaced too; a bulk
statement names those rows with `token_rows` ({kind: ids}) or, for a token keyed by an owner column of its feed
scope, with `feed_users`, else it replaces the catalogue token. `install_listeners` is called by the app factory.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import chain

from flask import has_app_context
from sqlalchemy import FromClause, event, inspect
from sqlalchemy.orm import InstanceState, ORMExecuteState, Session

from moviesx.extensions import cache
from moviesx.models.feed import FeedReach, FeedScope, OwnedToken, cache_tokens_of, feed_scope_of
from moviesx.services.feed.fanout import friends_of
from moviesx.services.feed.tokens import USER_TOKEN_KEY, CacheWriteFailed, cache_failed, flush, owned_token_key, trusted

FEED_USERS_OPTION = "feed_users"  # execution option naming the users a bulk statement touches
TOKEN_ROWS_OPTION = "token_rows"  # execution option naming, per cache token kind, the rows a bulk statement touches
_PENDING = "moviesx.feed_changes"


@dataclass
class _Changes:
    """What a transaction's writes invalidate, collected during flushes and applied after the commit."""

    users: set[int] = field(default_factory=set)
    fanout: set[int] = field(default_factory=set)
    owned: set[tuple[str, int]] = field(default_factory=set)
    catalog: bool = False

    def touch(self, scope: FeedScope, user_ids: tuple | None) -> None:
        if scope.reach is FeedReach.NONE:
            return
        if scope.reach is FeedReach.EVERYONE or user_ids is None:
            self.catalog = True
            return
        self.users.update(user_ids)
        if scope.reach is FeedReach.FRIENDS_OF_OWNER:
            self.fanout.update(user_ids)

    def replace_tokens(self, tokens: tuple[OwnedToken, ...], rows_of: Callable[[OwnedToken], Iterable | None]) -> None:
        """The `tokens` of the rows `rows_of(token)` names; unknown rows (None among them, or None): every body."""
        for token in tokens:
            rows = rows_of(token)
            rows = None if rows is None else tuple(rows)
            if rows is None or None in rows:
                self.catalog = True
                return
            self.owned.update((token.kind, row_id) for row_id in rows)


def install_listeners() -> None:
    """Listen on every Session, once per process however many apps the factory builds (the events are global)."""
    for target, name, listener in _LISTENERS:
        if not event.contains(target, name, listener):
            event.listen(target, name, listener)


def note_bulk_write(session: Session, table: FromClause | None = None, user_ids: tuple[int, ...] | None = None) -> None:
    """Record a write the session cannot see (COPY): it invalidates what the table's feed scope says for the users
    it wrote for, when the transaction commits; every feed when the table or the users are not named."""
    scope = feed_scope_of(table) if table is not None else None
    if scope is None:
        _pending(session).catalog = True
        return
    _pending(session).touch(scope, user_ids)
    _pending(session).replace_tokens(cache_tokens_of(table), _bulk_rows(scope, user_ids, {}))


def _pending(session: Session) -> _Changes:
    return session.info.setdefault(_PENDING, _Changes())


def _bulk_rows(scope: FeedScope, user_ids: tuple | None, token_rows: dict) -> Callable[[OwnedToken], Iterable | None]:
    """The rows a bulk statement names for a token: `token_rows[kind]`, else `feed_users` when the token is keyed by
    an owner column of the feed scope; None (unknown) otherwise."""

    def rows_of(token: OwnedToken) -> Iterable | None:
        if token.kind in token_rows:
            return token_rows[token.kind]
        return user_ids if token.column in scope.owners else None

    return rows_of


def _record_flushed_changes(session: Session, _context) -> None:
    for instance in chain(session.new, session.dirty, session.deleted):
        scope: FeedScope = type(instance).feed_scope  # every mapped class declares one (tests/models/test_feed_scopes.py)
        tokens: tuple[OwnedToken, ...] = getattr(type(instance), "cache_tokens", ())
        if scope.reach is FeedReach.NONE and not tokens:
            continue
        if instance in session.dirty and not session.is_modified(instance):
            continue
        state = inspect(instance)
        _pending(session).replace_tokens(tokens, lambda token: (_column_value(state, token.column),))  # noqa: B023 - called now
        if scope.reach is FeedReach.NONE:
            continue
        user_ids = tuple(state.dict.get(column) for column in scope.owners)
        _pending(session).touch(scope, None if None in user_ids else user_ids)  # (unknown users: every feed)
        if any(state.attrs[column].history.has_changes() for column in scope.friends_when_changed):
            _pending(session).fanout.update(user_ids)  # such as (de)activation, which changes the friends' boosts


def _column_value(state: InstanceState, column: str):
    """The instance's value of `column`; a primary-key column also from its identity (expired after a commit)."""
    value = state.dict.get(column)
    if value is None and state.identity is not None:
        keys = [key.key for key in state.mapper.primary_key]
        value = state.identity[keys.index(column)] if column in keys else None
    return value


def _record_bulk_statements(state: ORMExecuteState) -> None:
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    mapper, table = state.bind_mapper, getattr(state.statement, "table", None)
    if mapper is None and table is None:
        return
    scope = mapper.class_.feed_scope if mapper is not None else feed_scope_of(table)
    if scope is None:
        raise LookupError(f"table {table.name!r} declares no feed scope (moviesx.models.feed)")
    user_ids = state.execution_options.get(FEED_USERS_OPTION)
    user_ids = None if user_ids is None else tuple(user_ids)
    _pending(state.session).touch(scope, user_ids)
    tokens = getattr(mapper.class_, "cache_tokens", ()) if mapper is not None else cache_tokens_of(table)
    token_rows = state.execution_options.get(TOKEN_ROWS_OPTION, {})
    _pending(state.session).replace_tokens(tokens, _bulk_rows(scope, user_ids, token_rows))


def _invalidate_after_commit(session: Session) -> None:
    changes = session.info.pop(_PENDING, None)
    if changes and has_app_context():
        invalidate(users=changes.users, fanout=changes.fanout, owned=changes.owned, catalog=changes.catalog)


def invalidate(
    *,
    users: set[int] = frozenset(),
    fanout: set[int] = frozenset(),
    owned: set[tuple[str, int]] = frozenset(),
    catalog: bool = False,
) -> None:
    """Give new tokens to `users`, to `fanout` and their friends (`feed.fanout`), to the `owned` (kind, row id)
    tokens, or (catalog) to every feed and cached body. Call after a commit.

    Tokens are replaced, not deleted: a delete cannot tell a failure from a reader that recreated the token at once.
    """
    if catalog:
        flush()
        return
    if not trusted():
        return  # the catalogue token is replaced as soon as the cache answers: that invalidates this commit too
    try:
        affected = set(users) | set(fanout) | friends_of(fanout)
        tokens = {USER_TOKEN_KEY.format(user_id): secrets.token_hex(8) for user_id in affected}
        tokens.update({owned_token_key(kind, row_id): secrets.token_hex(8) for kind, row_id in owned})
        if tokens and len(cache.set_many(tokens, timeout=0)) != len(tokens):
            raise CacheWriteFailed("not every feed token could be replaced")
    except Exception as exc:  # noqa: BLE001 - the write has committed; the next flush invalidates what this missed
        cache_failed(exc)


def _forget_rolled_back_changes(session: Session) -> None:
    session.info.pop(_PENDING, None)


_LISTENERS = (
    (Session, "after_flush", _record_flushed_changes),
    (Session, "do_orm_execute", _record_bulk_statements),
    (Session, "after_commit", _invalidate_after_commit),
    (Session, "after_rollback", _forget_rolled_back_changes),
)
