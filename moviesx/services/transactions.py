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
def kept_on_commit() -> Iterator[None]:
    """Commits in the block leave the session's objects as they are instead of expiring them (`expire_on_commit`
    off for this session, for the block only): for a service that answers from rows its own statement has just
    written and returned (`RETURNING`), which a reload after the commit would only read back."""
    session = db.session()
    previous, session.expire_on_commit = session.expire_on_commit, False
    try:
        yield
    finally:
        session.expire_on_commit = previous
