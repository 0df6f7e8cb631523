"""Friendship queries shared by every feature (API.md 6.1). Friendships are stored as two directed rows."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Select, and_, exists, or_, select

from moviesx.extensions import db
from moviesx.models import FriendRequest, Friendship, User


def friend_ids(user_id: int) -> Select:
    """SELECT of the ids of the user's active friends (use with `.in_()` or as a subquery)."""
    return (
        select(Friendship.friend_id)
        .join(User, User.id == Friendship.friend_id)
        .where(Friendship.user_id == user_id, User.is_active.is_(True))
    )


def are_friends(user_id: int, other_id: int) -> bool:
    return bool(db.session.scalar(select(exists().where(Friendship.user_id == user_id, Friendship.friend_id == other_id))))


def request_between(user_id: int, other_id: int) -> FriendRequest | None:
    """The one friend-request row of the pair, whatever its direction."""
    low, high = sorted((user_id, other_id))
    return db.session.scalar(select(FriendRequest).where(FriendRequest.pair_low == low, FriendRequest.pair_high == high))


def friendship_map(viewer_id: int, user_ids: Iterable[int]) -> dict[int, dict | None]:
    """The `friendship` object of API.md 4 for each of `user_ids` as seen by `viewer_id`, in two queries."""
    others = {user_id for user_id in user_ids if user_id != viewer_id}
    result: dict[int, dict | None] = {user_id: None for user_id in user_ids if user_id == viewer_id}
    if not others:
        return result
    friends = set(
        db.session.scalars(select(Friendship.friend_id).where(Friendship.user_id == viewer_id, Friendship.friend_id.in_(others)))
    )
    statuses: dict[int, str] = {}
    rows = db.session.execute(
        select(FriendRequest.from_user_id, FriendRequest.to_user_id, FriendRequest.status).where(
            or_(
                and_(FriendRequest.from_user_id == viewer_id, FriendRequest.to_user_id.in_(others)),
                and_(FriendRequest.to_user_id == viewer_id, FriendRequest.from_user_id.in_(others)),
            )
        )
    )
    for from_id, to_id, status in rows:
        statuses[to_id if from_id == viewer_id else from_id] = status
    for user_id in others:
        result[user_id] = {"is_friend": user_id in friends, "status": statuses.get(user_id)}
    return result
