"""Suggested users: friends of friends ranked by common friends (API.md 6.1)."""

from __future__ import annotations

import pytest

from moviesx.extensions import db
from moviesx.models import FriendRequest
from moviesx.services.social.friends import suggestions_page
from tests.factories import UserFactory, make_friends


def pending(from_user, to_user, status="P"):
    low, high = sorted((from_user.id, to_user.id))
    db.session.add(FriendRequest(from_user_id=from_user.id, to_user_id=to_user.id, pair_low=low, pair_high=high, status=status))
    db.session.commit()


@pytest.fixture
def graph(app):
    """Me, five friends (one inactive) and eight friends-of-friends with known common counts."""
    me = UserFactory(username="me")
    f1, f2, f3, f4, f5 = (UserFactory(username=f"friend_{n}") for n in range(1, 6))
    x = {n: UserFactory(username=f"x{n}") for n in range(1, 9)}
    lonely = UserFactory(username="lonely")
    for friend in (f1, f2, f3, f4, f5):
        make_friends(me, friend)
    make_friends(f1, f2)  # a friend of a friend who is already my friend
    for n, mutuals in {
        1: (f1, f2, f3),  # 3
        2: (f1, f2),  # 2
        3: (f3, f4),  # 2
        4: (f4, f5),  # 1: f5 is inactive and does not count
        5: (f1,),  # pending request from me: excluded
        6: (f2,),  # pending request to me: excluded
        7: (f1, f2, f3, f4),  # inactive: excluded
        8: (f1,),  # rejected request: still suggested
    }.items():
        for mutual in mutuals:
            make_friends(x[n], mutual)
    pending(me, x[5])
    pending(x[6], me)
    pending(x[8], me, "R")
    f5.is_active = False
    x[7].is_active = False
    db.session.commit()
    return {"me": me, "x": x, "lonely": lonely, "friends": (f1, f2, f3, f4, f5)}


def names(rows):
    return [(user.username, common) for user, common in rows]


def test_order_and_counts(graph):
    rows, has_more, count = suggestions_page(graph["me"].id, limit=10, last_id=None)
    assert names(rows) == [("x1", 3), ("x2", 2), ("x3", 2), ("x4", 1), ("x8", 1)]
    assert (has_more, count) == (False, 5)


def test_keyset_paging(graph):
    me, x = graph["me"], graph["x"]
    seen = []
    last_id = None
    while True:
        rows, has_more, count = suggestions_page(me.id, limit=2, last_id=last_id)
        assert count == 5
        seen.append(names(rows))
        if not has_more:
            break
        last_id = rows[-1][0].id
    assert seen == [[("x1", 3), ("x2", 2)], [("x3", 2), ("x4", 1)], [("x8", 1)]]
    assert x[8].id > x[4].id


def test_anchor_keeps_its_place_after_leaving_the_set(graph):
    me, x = graph["me"], graph["x"]
    make_friends(me, x[2])
    rows, _has_more, count = suggestions_page(me.id, limit=2, last_id=x[2].id)
    # x2 is now a friend, so it left the set; the page after it still starts after its old place (2, x2).
    assert count == 4
    assert names(rows) == [("x3", 2), ("x4", 1)]


def test_unknown_anchor_gives_an_empty_page(graph):
    rows, has_more, count = suggestions_page(graph["me"].id, limit=2, last_id=10**9)
    assert (rows, has_more, count) == ([], False, 5)


def test_user_without_friends_gets_nothing(graph):
    assert suggestions_page(graph["lonely"].id, limit=10, last_id=None) == ([], False, 0)


def test_suggestions_are_computed_in_one_grouped_query(graph, count_queries):
    me_id = graph["me"].id
    with count_queries() as counter:
        suggestions_page(me_id, limit=10, last_id=None)
    page_queries = [sql for sql in counter.statements if "GROUP BY" in sql.upper()]
    assert counter.count == 2, counter.statements  # the count and the page
    assert len(page_queries) == 2
