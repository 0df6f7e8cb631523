"""The transaction rule: services commit, views never do; `unique_or` is the one place a raced uniqueness is answered."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

import moviesx
from moviesx.extensions import db
from moviesx.http.errors import APIError, error
from moviesx.models import Rating
from moviesx.services.transactions import NO_CHANGE, commit_or, unique_or
from tests.factories import MovieFactory, RatingFactory, UserFactory

ROOT = Path(moviesx.__file__).resolve().parent


def _duplicate_rating() -> tuple[int, int]:
    """A committed rating and a second, identical one pending in the session: the next commit breaks a unique index."""
    user, movie = UserFactory(), MovieFactory()
    RatingFactory(user=user, movie=movie, rating=4)
    db.session.commit()
    db.session.add(Rating(user_id=user.id, movie_id=movie.id, rating=2))
    return user.id, movie.id


def _ratings(user_id: int, movie_id: int) -> list[int]:
    return list(db.session.scalars(select(Rating.rating).where(Rating.user_id == user_id, Rating.movie_id == movie_id)))


def test_an_exception_answer_is_raised_after_the_rollback(app):
    ids = _duplicate_rating()
    with pytest.raises(APIError) as raised:
        commit_or(error(400, "You have already rated this movie"))
    assert raised.value.__suppress_context__ and raised.value.__cause__ is None
    assert _ratings(*ids) == [4]
    assert not db.session.new


def test_no_change_carries_on_after_the_block(app):
    ids = _duplicate_rating()
    reached = []
    with unique_or(NO_CHANGE):
        db.session.commit()
        reached.append("after commit")
    assert reached == []
    assert _ratings(*ids) == [4]


def test_a_callable_answer_raises_the_contracts_answer_or_lets_the_failure_through(app):
    ids = _duplicate_rating()
    calls = []

    def refuse() -> None:
        calls.append(db.session.scalar(select(func.count()).select_from(Rating)))  # the session is usable again
        raise error(400, "taken")

    with pytest.raises(APIError):
        commit_or(refuse)
    assert calls == [1]

    db.session.add(Rating(user_id=ids[0], movie_id=ids[1], rating=3))
    with pytest.raises(IntegrityError):
        commit_or(lambda: None)  # not a duplicate the answer knows: the failure is not hidden
    assert _ratings(*ids) == [4]


def test_a_block_without_an_integrity_error_commits_untouched(app):
    user, movie = UserFactory(), MovieFactory()
    db.session.add(Rating(user_id=user.id, movie_id=movie.id, rating=5))
    commit_or(error(400, "never"))
    db.session.rollback()
    assert _ratings(user.id, movie.id) == [5]


def _calls_in(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "commit":
            found.append((node.lineno, ast.unparse(node)))
    return found


def test_views_never_commit():
    commits = {str(path.relative_to(ROOT)): calls for path in (ROOT / "blueprints").rglob("*.py") if (calls := _calls_in(path))}
    assert commits == {}


def test_integrity_errors_are_handled_in_one_place():
    handlers = []
    for path in ROOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ExceptHandler) and node.type is not None and "IntegrityError" in ast.unparse(node.type):
                handlers.append(str(path.relative_to(ROOT)))
    assert handlers == ["services/transactions.py"]
