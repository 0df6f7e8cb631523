"""Friendship queries shared by every feature (API.md 6.1). Friendships are stored as two directed rows."""

from __future__ import annotations

from sqlalchemy import Select, exists, select

from moviesx.extensions import db
from moviesx.models import Friendship, User


def friend_ids(user_id: int) -> Select:
    """SELECT of the ids of the user's active friends (use with `.in_()` or as a subquery)."""
    return (
        select(Friendship.friend_id)
        .join(User, User.id == Friendship.friend_id)
        .where(Friendship.user_id == user_id, User.is_active.is_(True))
    )


def are_friends(user_id: int, other_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(Friendship.user_id == user_id, Friendship.friend_id == other_id))))
