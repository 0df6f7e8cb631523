"""Friendship queries and the friendship object (API.md 4, 6.1)."""

from __future__ import annotations

import pytest

from moviesx.extensions import db
from moviesx.models import FriendRequest
from moviesx.services.social.friends import are_friends, dump_users, friend_ids, friendship_map, request_between
from tests.factories import UserFactory, make_friends


def add_request(from_user, to_user, status):
    low, high = sorted((from_user.id, to_user.id))
    row = FriendRequest(from_user_id=from_user.id, to_user_id=to_user.id, pair_low=low, pair_high=high, status=status)
    db.session.add(row)
    db.session.commit()
    return row


@pytest.fixture
def people(app):
    me = UserFactory()
    friend, gone_friend, asked, asking, refused, stranger = (UserFactory() for _ in range(6))
    make_friends(me, friend)
    make_friends(gone_friend, me)
    gone_friend.is_active = False
    add_request(me, asked, "P")
    add_request(asking, me, "P")
    add_request(refused, me, "R")
    db.session.commit()
    return dict(me=me, friend=friend, gone=gone_friend, asked=asked, asking=asking, refused=refused, stranger=stranger)


def test_friend_ids_are_symmetric_and_skip_inactive(people):
    me, friend = people["me"], people["friend"]
    assert set(db.session.scalars(friend_ids(me.id))) == {friend.id}
    assert set(db.session.scalars(friend_ids(friend.id))) == {me.id}
    assert are_friends(me.id, friend.id) and are_friends(friend.id, me.id)
    assert not are_friends(me.id, people["asked"].id)


def test_request_between_ignores_direction(people):
    me, asking = people["me"], people["asking"]
    assert request_between(me.id, asking.id) is request_between(asking.id, me.id)
    assert request_between(me.id, people["stranger"].id) is None


def test_friendship_map(people):
    p = people
    ids = [p[name].id for name in ("me", "friend", "asked", "asking", "refused", "stranger")]
    assert friendship_map(p["me"].id, ids) == {
        p["me"].id: None,
        p["friend"].id: {"is_friend": True, "status": "A"},
        p["asked"].id: {"is_friend": False, "status": "P"},
        p["asking"].id: {"is_friend": False, "status": "P"},
        p["refused"].id: {"is_friend": False, "status": "R"},
        p["stranger"].id: {"is_friend": False, "status": None},
    }


def test_dump_users_uses_two_queries_whatever_the_number(app, people, count_queries):
    me_id = people["me"].id
    users = [people[name] for name in ("friend", "asked", "asking", "refused", "stranger")]
    for user in users:
        _ = user.username  # load before counting
    with app.test_request_context(), count_queries() as counter:
        dumped = dump_users(users, viewer_id=me_id)
    assert counter.count == 2
    assert [item["friendship"]["status"] for item in dumped] == ["A", "P", "P", "R", None]
    with app.test_request_context(), count_queries() as counter:
        dump_users(users[:1], viewer_id=me_id)
    assert counter.count == 2


def test_dump_users_without_a_viewer_has_null_friendship(app, people):
    with app.test_request_context():
        dumped = dump_users([people["friend"]])
    assert dumped[0]["friendship"] is None
