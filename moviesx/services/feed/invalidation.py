"""What a commit changes in the feeds, recorded by session listeners and applied once the transaction commits.

Any change to a user's row (language, activation, password), the user's ratings, unseen marks and platforms, and
both sides of a friendship replace that user's feed token; a rating or (de)activation also reaches the user's friends,
whose boosts it changes. Any catalogue write, or a bulk write whose users are unknown, replaces the catalogue token.
The listeners are installed when this module is first imported (by the app factory).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import chain

from flask import has_app_context
from sqlalchemy import inspect
from sqlalchemy.event import listens_for
from sqlalchemy.orm import ORMExecuteState, Session

from moviesx.services.feed.tokens import invalidate

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
