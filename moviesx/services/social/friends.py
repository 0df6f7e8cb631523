"""Friendship queries shared by every feature (API.md 6.1). Friendships are stored as two directed rows."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from flask import g, has_request_context
from sqlalchemy import Select, and_, delete, exists, func, or_, select, update
from sqlalchemy.orm import aliased, joinedload

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.http.errors import error
from moviesx.models import FriendRequest, Friendship, User
from moviesx.models.sql import codepoint, contains_folded
from moviesx.schemas.social.users import UserSchema
from moviesx.services.transactions import unique_or


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


def friendship_map(viewer_id: int, user_ids: Iterable[int], *, friends: Iterable[int] | None = None) -> dict[int, dict | None]:
    """The `friendship` object of API.md 4 for each of `user_ids` as seen by `viewer_id`, in two queries (one when
    the caller passes `friends`, the viewer's friends among them, which it has just read)."""
    others = {user_id for user_id in user_ids if user_id != viewer_id}
    result: dict[int, dict | None] = {user_id: None for user_id in user_ids if user_id == viewer_id}
    if not others:
        return result
    if friends is None:
        friends = db.session.scalars(
            select(Friendship.friend_id).where(Friendship.user_id == viewer_id, Friendship.friend_id.in_(others))
        )
    friends = set(friends)
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


def seen_by(viewer_id: int | None, users: Sequence[User], *, friends: Iterable[int] | None = None) -> Sequence[User]:
    """Give each user its `friendship` with `viewer_id` (`null` without a viewer), in two queries for all (one
    with `friends`, see friendship_map).

    UserSchema dumps this attribute, so a page of users costs the same queries whatever its size.
    """
    friendships = friendship_map(viewer_id, [user.id for user in users], friends=friends) if viewer_id is not None else {}
    for user in users:
        user.friendship = friendships.get(user.id)
    return users


def dump_users(users: Sequence[User], viewer_id: int | None = None) -> list[dict]:
    """Users as seen by `viewer_id` (default: the caller, if any), with a constant number of queries."""
    if viewer_id is None and has_request_context() and g.get("user_id") is not None:
        viewer_id = g.user_id
    return UserSchema(many=True).dump(seen_by(viewer_id, users))


# --- Friend requests (API.md 6.1) -------------------------------------------------------------


def send_request(caller: User, target: User) -> str:
    """Run the POST friend-request state machine; returns the success message.

    A concurrent request on the same pair is answered as if it had come first: every write is
    guarded (unique pair, friendship primary keys, conditional UPDATEs) and a lost race replays.
    """
    if caller.id == target.id:
        raise error(400, "You cannot friend yourself", key="status")
    for _attempt in range(3):
        try:
            with unique_or(_Replay()):  # a concurrent insert of the pair or its friendship rows: replay
                message = _send_request_once(caller.id, target.id)
                db.session.commit()
        except _Replay:
            db.session.rollback()
            continue
        return message
    raise RuntimeError("friend request kept conflicting")  # pragma: no cover - needs three lost races in a row


class _Replay(Exception):
    """The row changed between our read and our write."""


def _send_request_once(caller_id: int, target_id: int) -> str:
    if are_friends(caller_id, target_id):
        raise error(400, "Already friends", key="status")
    row = request_between(caller_id, target_id)
    if row is None:
        low, high = sorted((caller_id, target_id))
        db.session.add(FriendRequest(from_user_id=caller_id, to_user_id=target_id, pair_low=low, pair_high=high, status="P"))
        db.session.flush()
        return "Friend request sent"
    if row.status in ("R", "A"):
        now = utcnow()
        _guarded_update(
            row,
            dict(from_user_id=caller_id, to_user_id=target_id, status="P", created_at=now, updated_at=now),
        )
        return "Friend request sent"
    if row.to_user_id == caller_id:
        _guarded_update(row, dict(status="A", updated_at=utcnow()))
        now = utcnow()
        db.session.add_all(
            [
                Friendship(user_id=caller_id, friend_id=target_id, created_at=now),
                Friendship(user_id=target_id, friend_id=caller_id, created_at=now),
            ]
        )
        db.session.flush()
        return "Friend request accepted"
    raise error(400, "Friend request already sent", key="status")


def _guarded_update(row: FriendRequest, values: dict) -> None:
    """UPDATE the row only if it is still as we read it; otherwise replay the state machine."""
    result = db.session.execute(
        update(FriendRequest)
        .where(
            FriendRequest.id == row.id,
            FriendRequest.status == row.status,
            FriendRequest.from_user_id == row.from_user_id,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise _Replay()
    db.session.expire(row)


def reject_request(caller: User, target: User) -> None:
    """The pending row between the two (either direction) becomes R; never unfriends."""
    if caller.id == target.id:
        raise error(400, "You cannot unfriend yourself", key="status")
    low, high = sorted((caller.id, target.id))
    result = db.session.execute(
        update(FriendRequest)
        .where(FriendRequest.pair_low == low, FriendRequest.pair_high == high, FriendRequest.status == "P")
        .values(status="R", updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.rollback()
        raise error(400, "No friend relationship to reject", key="status")
    db.session.commit()


def unfriend_named(caller: User, username: str | None) -> None:
    """Unfriend by a query parameter, with its own order of errors (API.md 5.2): required, known, then `unfriend`'s."""
    if not username:
        raise error(400, "Username parameter is required", key="status")
    target = db.session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))
    if target is None:
        raise error(404, "User not found", key="status")
    unfriend(caller, target)


def unfriend(caller: User, target: User) -> None:
    """Delete both friendship rows and the request row of the pair."""
    if caller.id == target.id:
        raise error(400, "You cannot unfriend yourself", key="status")
    pair = or_(
        and_(Friendship.user_id == caller.id, Friendship.friend_id == target.id),
        and_(Friendship.user_id == target.id, Friendship.friend_id == caller.id),
    )
    deleted = db.session.execute(
        delete(Friendship).where(pair).execution_options(synchronize_session=False, feed_users=(caller.id, target.id))
    ).rowcount
    if not deleted:
        db.session.rollback()
        raise error(400, "Not friends", key="status")
    low, high = sorted((caller.id, target.id))
    db.session.execute(
        delete(FriendRequest)
        .where(FriendRequest.pair_low == low, FriendRequest.pair_high == high)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


# --- Listings ----------------------------------------------------------------------------------


def friends_of(user_id: int) -> Select:
    """Active friends of a user, as User rows (order is the caller's)."""
    return (
        select(User)
        .join(Friendship, Friendship.friend_id == User.id)
        .where(Friendship.user_id == user_id, User.is_active.is_(True))
    )


def search_users(caller_id: int, needle: str, *, friends_only: bool) -> Select:
    """Active users whose username, first or last name contains `needle` (blank: all), by username code point, then id.

    `friends_only` keeps the caller's friends, which leaves the caller out (API.md 5.2, 6.8a).
    """
    stmt = select(User).where(User.is_active.is_(True))
    if needle.strip():
        stmt = stmt.where(
            or_(
                contains_folded(User.username, needle),
                contains_folded(User.first_name, needle),
                contains_folded(User.last_name, needle),
            )
        )
    if friends_only:
        stmt = stmt.where(User.id.in_(friend_ids(caller_id)))
    return stmt.order_by(codepoint(User.username), User.id)


def incoming_requests(user_id: int) -> Select:
    """Pending requests to the user from active users."""
    sender = aliased(User)
    return (
        select(FriendRequest)
        .join(sender, sender.id == FriendRequest.from_user_id)
        .where(FriendRequest.to_user_id == user_id, FriendRequest.status == "P", sender.is_active.is_(True))
        .options(joinedload(FriendRequest.from_user), joinedload(FriendRequest.to_user))
    )


def common_friend_counts(user_id: int):
    """Subquery (user_id, common_friends) of suggestion candidates for `user_id` (API.md 6.1), one GROUP BY."""
    mine = aliased(Friendship)
    theirs = aliased(Friendship)
    mutual = aliased(User)
    related = select(FriendRequest.id).where(
        FriendRequest.status.in_(("P", "A")),
        or_(
            and_(FriendRequest.from_user_id == user_id, FriendRequest.to_user_id == theirs.friend_id),
            and_(FriendRequest.to_user_id == user_id, FriendRequest.from_user_id == theirs.friend_id),
        ),
    )
    already_friend = select(Friendship.friend_id).where(Friendship.user_id == user_id, Friendship.friend_id == theirs.friend_id)
    return (
        select(theirs.friend_id.label("user_id"), func.count().label("common_friends"))
        .select_from(mine)
        .join(mutual, and_(mutual.id == mine.friend_id, mutual.is_active.is_(True)))
        .join(theirs, theirs.user_id == mine.friend_id)
        .where(
            mine.user_id == user_id,
            theirs.friend_id != user_id,
            ~exists(already_friend),
            ~exists(related),
        )
        .group_by(theirs.friend_id)
        .subquery("suggestions")
    )


def suggestions_page(user_id: int, *, limit: int, last_id: int | None) -> tuple[list[tuple[User, int]], bool, int]:
    """One page of suggested users with their common-friend counts, keyset on (common desc, id asc).

    Returns (rows, has_more, count). The anchor of `last_id` keeps its own common-friend count even
    when it is no longer a suggestion; a `last_id` naming no user gives an empty page.
    """
    counts = common_friend_counts(user_id)
    base = select(User, counts.c.common_friends).join(counts, counts.c.user_id == User.id).where(User.is_active.is_(True))
    count = (
        db.session.scalar(
            select(func.count()).select_from(counts).join(User, User.id == counts.c.user_id).where(User.is_active.is_(True))
        )
        or 0
    )
    if not count:
        return [], False, 0
    stmt = base.order_by(counts.c.common_friends.desc(), User.id.asc())
    if last_id is not None:
        if db.session.get(User, last_id) is None:
            return [], False, count
        anchor_common = _common_friends_with(user_id, last_id)
        stmt = stmt.where(
            or_(
                counts.c.common_friends < anchor_common,
                and_(counts.c.common_friends == anchor_common, User.id > last_id),
            )
        )
    rows = [(user, common) for user, common in db.session.execute(stmt.limit(limit + 1))]
    return rows[:limit], len(rows) > limit, count


def _common_friends_with(user_id: int, other_id: int) -> int:
    mine = aliased(Friendship)
    theirs = aliased(Friendship)
    return (
        db.session.scalar(
            select(func.count())
            .select_from(mine)
            .join(User, and_(User.id == mine.friend_id, User.is_active.is_(True)))
            .join(theirs, and_(theirs.user_id == mine.friend_id, theirs.friend_id == other_id))
            .where(mine.user_id == user_id)
        )
        or 0
    )
