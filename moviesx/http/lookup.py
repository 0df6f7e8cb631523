"""Path-object lookups that miss with the contract's generic 404 (API.md 3.1)."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import select

from moviesx.extensions import db
from moviesx.http.errors import NotFound
from moviesx.http.params import MAX_DB_ID
from moviesx.models import User

T = TypeVar("T")


def get_or_404(model: type[T], column, value: Any, *criteria, options=(), model_name: str | None = None) -> T:
    """The live row of `model` whose `column` equals `value` (plus `criteria`), else the generic 404."""
    name = model_name or model.__name__
    if isinstance(value, int) and value > MAX_DB_ID:
        raise NotFound(name, value)
    obj = db.session.scalar(select(model).where(column == value, *criteria).options(*options))
    if obj is None:
        raise NotFound(name, value)
    return obj


def user_or_404(username: str) -> User:
    """An active user by exact username; inactive users are treated as nonexistent."""
    return get_or_404(User, User.username, username, User.is_active.is_(True))
