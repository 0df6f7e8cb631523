"""The one transaction rule: services commit, views never do; a raced uniqueness becomes the contract's answer.

Every uniqueness rule of API.md is also a database constraint (3.2b), so a concurrent duplicate that passed the
service's own check fails at flush or commit with an IntegrityError. `unique_or` turns that failure into exactly
the answer the same request would get one after the other: the contract's 400, or the usual no-op.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Final

import psycopg
from sqlalchemy.exc import IntegrityError

from moviesx.extensions import db


class _NoChange:
    """The duplicate's twin already made this change: roll back and carry on as after a repeat."""

    def __repr__(self) -> str:
        return "NO_CHANGE"


NO_CHANGE: Final = _NoChange()

Answer = BaseException | Callable[[], object] | _NoChange


@contextmanager
def unique_or(answer: Answer) -> Iterator[None]:
    """Run the writes (and their commit) of the block; on a unique-constraint failure roll back, then answer.

    `answer` is an exception to raise (the contract's 400, or a service's own retry signal), `NO_CHANGE` to carry
    on after the block, or a callable run after the rollback, which raises the contract's answer (it may first
    remove files or look up which rule fired); when it returns, the failure was not a known duplicate and the
    IntegrityError propagates.
    """
    try:
        yield
    except (IntegrityError, psycopg.errors.IntegrityError):  # (the driver's own: work on its cursor, such as a COPY)
        db.session.rollback()
        if isinstance(answer, _NoChange):
            return
        if isinstance(answer, BaseException):
            raise answer from None  # the answer is the outcome, not a failure while handling one
        answer()
        raise


def commit_or(answer: Answer) -> None:
    """Commit the session; a concurrent duplicate gets `answer` (see `unique_or`)."""
    with unique_or(answer):
        db.session.commit()


@contextmanager
def autocommit() -> Iterator[None]:
    """For a write that is one statement: when the session holds no connection yet, it gets one in autocommit mode
    (SQLAlchemy's per-transaction isolation level), so that the database commits the statement alone, without the
    BEGIN and COMMIT round trips; the session's `commit()` in the block then only runs its listeners (the feed
    invalidation). After a read in the same request the session is in a transaction already: it commits as usual.
    The pool gives the connection back with its default isolation level."""
    if not db.session().in_transaction():
        db.session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
    yield
