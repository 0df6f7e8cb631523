"""Emoji reactions on reviews and comments (API.md 4, 5.5, 6.4, 3.2a)."""

from __future__ import annotations

import pytest

from moviesx.extensions import db
from moviesx.models import EMOJIS, INCLUDE_DELETED, Reaction
from tests.factories import CommentFactory, ReviewFactory, UserFactory
from tests.support.social import concurrent_insert

EMPTY = {"reactions": {}, "your_reactions": {}}


def not_found(model, value):
    return {"error": "Not Found", "message": "The requested resource was not found.", "model": model, "lookup_value": str(value)}


@pytest.fixture
def review(app):
    return ReviewFactory()


@pytest.fixture(params=["review", "comment"])
def target(request, review):
    """The reactions base path of a review or of one of its comments."""
    if request.param == "review":
        return f"/api/reviews/{review.id}/reactions/"
    comment = CommentFactory(review=review)
    return f"/api/reviews/{review.id}/comments/{comment.id}/reactions/"


def test_summary_in_table_order_with_own_ids(as_user, target):
    me, other, third = UserFactory(), UserFactory(), UserFactory()
    assert as_user(me).get(target).get_json() == EMPTY
    ids = {}
    for user, code in ((other, "TRASH"), (me, "LOVE"), (other, "LOVE"), (third, "LIKE"), (me, "TRASH"), (other, "STAR")):
        response = as_user(user).post(target, json={"emoji_code": code})
        assert response.status_code == 200
        body = response.get_json()
        assert body == {"status": True, "id": body["id"]}
        ids[(user.id, code)] = body["id"]
    body = as_user(me).get(target).get_json()
    assert body == {
        "reactions": {"👍": 1, "\u2764\ufe0f": 2, "⭐": 1, "\U0001f5d1\ufe0f": 2},
        "your_reactions": {"\u2764\ufe0f": ids[(me.id, "LOVE")], "\U0001f5d1\ufe0f": ids[(me.id, "TRASH")]},
    }
    assert list(body["reactions"]) == ["👍", "\u2764\ufe0f", "⭐", "\U0001f5d1\ufe0f"]
    assert as_user(third).get(target).get_json()["your_reactions"] == {"👍": ids[(third.id, "LIKE")]}


def test_all_sixteen_codes(as_user, target):
    me = UserFactory()
    for code in EMOJIS:
        assert as_user(me).post(target, json={"emoji_code": code}).status_code == 200
    body = as_user(me).get(target).get_json()
    assert list(body["reactions"]) == list(EMOJIS.values())
    assert set(body["reactions"].values()) == {1}


def test_already_reacted_then_remove_and_re_add(as_user, target):
    me = UserFactory()
    first = as_user(me).post(target, json={"emoji_code": "FIRE"}).get_json()["id"]
    response = as_user(me).post(target, json={"emoji_code": "FIRE"})
    assert (response.status_code, response.get_json()) == (400, {"error": "You have already reacted with this emoji"})
    response = as_user(me).delete(f"{target}{first}/")
    assert response.status_code == 204
    assert response.data == b""
    assert as_user(me).get(target).get_json() == EMPTY
    again = as_user(me).post(target, json={"emoji_code": "FIRE"})
    assert again.status_code == 200
    assert again.get_json()["id"] != first
    assert as_user(me).get(target).get_json() == {"reactions": {"🔥": 1}, "your_reactions": {"🔥": again.get_json()["id"]}}
    # the removed one is gone for good
    response = as_user(me).delete(f"{target}{first}")
    assert response.get_json() == not_found("Reaction", first)


def test_remove_someone_elses_reaction_is_403(as_user, target):
    owner, other = UserFactory(), UserFactory()
    reaction_id = as_user(owner).post(target, json={"emoji_code": "EYES"}).get_json()["id"]
    response = as_user(other).delete(f"{target}{reaction_id}/")
    assert (response.status_code, response.get_json()) == (403, {"error": "You can only delete your own reactions"})
    assert db.session.get(Reaction, reaction_id).deleted_at is None


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (None, "null"),
        ("", ""),
        ("like", "like"),
        ("👍", "👍"),
        (5, "5"),
        (True, "true"),
        (["LIKE"], '["LIKE"]'),
        ({"a": 1}, '{"a": 1}'),
    ],
)
def test_invalid_emoji_codes(as_user, target, value, shown):
    response = as_user(UserFactory()).post(target, json={"emoji_code": value})
    assert response.status_code == 400
    assert response.get_json() == {"emoji_code": [f"Value '{shown}' is not a valid choice."]}
    assert db.session.query(Reaction).count() == 0


def test_reaction_body_errors(as_user, target):
    caller = as_user(UserFactory())
    response = caller.post(target, json={"emoji": "LIKE"})
    assert (response.status_code, response.get_json()) == (400, {"error": "Missing required fields"})
    response = caller.post(target, data="nope")
    assert (response.status_code, response.get_json()) == (400, {"error": "Invalid JSON body"})


def test_reaction_must_belong_to_its_target(as_user, review):
    me = UserFactory()
    comment = CommentFactory(review=review)
    on_review = as_user(me).post(f"/api/reviews/{review.id}/reactions/", json={"emoji_code": "LIKE"}).get_json()["id"]
    on_comment = as_user(me).post(f"/api/reviews/{review.id}/comments/{comment.id}/reactions/", json={"emoji_code": "LIKE"})
    on_comment = on_comment.get_json()["id"]
    other_review = ReviewFactory()
    elsewhere = as_user(me).post(f"/api/reviews/{other_review.id}/reactions/", json={"emoji_code": "LIKE"}).get_json()["id"]
    cases = [
        (f"/api/reviews/{review.id}/reactions/{on_comment}/", on_comment),
        (f"/api/reviews/{review.id}/reactions/{elsewhere}/", elsewhere),
        (f"/api/reviews/{review.id}/comments/{comment.id}/reactions/{on_review}/", on_review),
        (f"/api/reviews/{review.id}/reactions/999999/", 999999),
        (f"/api/reviews/{review.id}/reactions/{2**63}/", 2**63),
    ]
    for path, reaction_id in cases:
        response = as_user(me).delete(path)
        assert response.status_code == 404, path
        assert response.get_json() == not_found("Reaction", reaction_id)
    live = db.session.query(Reaction).count()
    assert live == 3


def test_reactions_of_deleted_targets_are_hidden(as_user, review):
    me = UserFactory()
    comment = CommentFactory(review=review, user=me)
    as_user(me).post(f"/api/reviews/{review.id}/comments/{comment.id}/reactions/", json={"emoji_code": "SKULL"})
    as_user(me).delete(f"/api/reviews/{review.id}/comments/{comment.id}/")
    response = as_user(me).get(f"/api/reviews/{review.id}/comments/{comment.id}/reactions/")
    assert response.get_json() == not_found("Comment", comment.id)
    every = db.session.query(Reaction).execution_options(**{INCLUDE_DELETED: True}).all()
    assert [r.is_deleted for r in every] == [True]


def test_concurrent_duplicate_reaction(as_user, review):
    me = UserFactory()
    sql = (
        "INSERT INTO reactions (user_id, review_id, emoji, created_at, updated_at) "
        "VALUES (:u, :r, 'POPCORN', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
    )
    with concurrent_insert("reactions", sql, {"u": me.id, "r": review.id}) as fired:
        response = as_user(me).post(f"/api/reviews/{review.id}/reactions/", json={"emoji_code": "POPCORN"})
    assert fired
    assert (response.status_code, response.get_json()) == (400, {"error": "You have already reacted with this emoji"})
    db.session.expire_all()
    assert db.session.query(Reaction).count() == 1


def test_summary_query_count_is_constant(as_user, review, count_queries):
    users = [UserFactory() for _ in range(30)]
    caller = as_user(users[0])
    counts = []
    for batch in (users[:2], users[2:]):
        for user in batch:
            for code in ("LIKE", "TOP", "SAD"):
                db.session.add(Reaction(user_id=user.id, review_id=review.id, emoji=code))
        db.session.commit()
        db.session.expire_all()
        with count_queries() as counter:
            caller.get(f"/api/reviews/{review.id}/reactions/")
        counts.append(counter.count)
    assert counts[0] == counts[1]
