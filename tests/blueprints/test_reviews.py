"""Reviews, comments, replies and their soft-delete cascades (API.md 5.5, 6.5, 6.6)."""

from __future__ import annotations

import pytest

from moviesx.extensions import db
from moviesx.models import INCLUDE_DELETED, Comment, Reaction, Review
from tests.factories import CommentFactory, MovieFactory, ReviewFactory, UserFactory

BASE = "http://localhost"
REVIEW = {"title": "Edited", "content": "Changed my mind", "is_positive": False}


def stamp(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def not_found(model, value):
    return {"error": "Not Found", "message": "The requested resource was not found.", "model": model, "lookup_value": str(value)}


@pytest.fixture
def author(app):
    return UserFactory()


@pytest.fixture
def review(author):
    return ReviewFactory(user=author, movie=MovieFactory(slug="film"))


def comment_json(comment, *, has_replies=False):
    return {
        "id": comment.id,
        "user": f"{BASE}/api/users/{comment.user.username}/",
        "content": comment.content,
        "created_at": stamp(comment.created_at),
        "reply_comment": f"{BASE}/api/reviews/{comment.review_id}/comments/{comment.parent_id}/" if comment.parent_id else None,
        "has_replies": has_replies,
    }


# --- Reviews -------------------------------------------------------------------------------------


def test_review_detail(as_user, review, author):
    body = as_user(UserFactory()).get(f"/api/reviews/{review.id}").get_json()
    assert body == {
        "id": review.id,
        "title": review.title,
        "movie": f"{BASE}/api/movies/film/",
        "user": f"{BASE}/api/users/{author.username}/",
        "content": "Worth watching.",
        "is_positive": True,
        "created_at": stamp(review.created_at),
    }


def test_missing_deleted_and_huge_review_ids(as_user, review):
    other = ReviewFactory()
    other.delete()
    hidden = ReviewFactory()
    hidden.movie.delete()
    db.session.commit()
    me = as_user(UserFactory())
    for review_id in (other.id, hidden.id, 999999, 2**63, 2**64 + 5):
        for path in ("", "translations/", "reactions/", "comments/"):
            response = me.get(f"/api/reviews/{review_id}/{path}")
            assert response.status_code == 404
            assert response.get_json() == not_found("Review", review_id)


def test_path_ids_are_ascii_digits_and_404_names_the_segment_as_written(as_user, review):
    """API.md 1.1 (`<id>` is decimal digits) and 3.1 (`lookup_value` is the path value as a string)."""
    comment = CommentFactory(review=review)
    me = as_user(UserFactory())
    assert me.get(f"/api/reviews/{review.id:03d}/comments/{comment.id:04d}/").get_json()["id"] == comment.id
    assert me.get(f"/api/reviews/{review.id:03d}/comments/0{comment.id + 40}/").get_json() == not_found(
        "Comment", f"0{comment.id + 40}"
    )
    assert me.get("/api/reviews/000999999/reactions/").get_json() == not_found("Review", "000999999")
    for segment in ("\u0661", "\uff11", f"{review.id}\u0660"):
        response = me.get(f"/api/reviews/{segment}/")
        assert response.status_code == 404
        assert response.get_json() == not_found("unknown", "unknown")


def test_edit_review(as_user, review, author):
    response = as_user(author).put(f"/api/reviews/{review.id}/", json=REVIEW)
    assert response.status_code == 200
    assert response.get_json() == {
        "id": review.id,
        "title": "Edited",
        "movie": f"{BASE}/api/movies/film/",
        "user": f"{BASE}/api/users/{author.username}/",
        "content": "Changed my mind",
        "is_positive": False,
        "created_at": stamp(review.created_at),
    }


def test_edit_review_checks_owner_then_body(as_user, review, author):
    stranger = as_user(UserFactory())
    response = stranger.put(f"/api/reviews/{review.id}/", data="broken")
    assert response.status_code == 403
    assert response.get_json() == {"error": "You can only edit your own reviews"}
    response = as_user(author).put(f"/api/reviews/{review.id}/", json={"title": "x" * 129, "content": "", "is_positive": True})
    assert response.status_code == 400
    assert response.get_json() == {
        "title": ["Ensure this value has at most 128 characters (it has 129)."],
        "content": ["This field cannot be blank."],
    }
    response = as_user(author).put(f"/api/reviews/{review.id}/", json={"title": "only"})
    assert response.get_json() == {"error": "Missing required fields"}
    db.session.expire_all()
    assert db.session.get(Review, review.id).title == review.title


def test_delete_review_cascades_to_comments_at_every_depth_and_reactions(as_user, review, author):
    other = UserFactory()
    top = CommentFactory(review=review, user=other)
    reply = CommentFactory(review=review, user=other, parent_id=top.id)
    deep = CommentFactory(review=review, user=author, parent_id=reply.id)
    unrelated_review = ReviewFactory()
    unrelated = CommentFactory(review=unrelated_review)
    db.session.add_all(
        [
            Reaction(user_id=other.id, review_id=review.id, emoji="LIKE"),
            Reaction(user_id=other.id, comment_id=deep.id, emoji="FIRE"),
            Reaction(user_id=other.id, comment_id=unrelated.id, emoji="FIRE"),
        ]
    )
    db.session.commit()

    response = as_user(other).delete(f"/api/reviews/{review.id}/")
    assert response.status_code == 403
    assert response.get_json() == {"error": "You can only delete your own reviews"}

    response = as_user(author).delete(f"/api/reviews/{review.id}/")
    assert response.status_code == 204
    assert response.data == b""
    db.session.expire_all()
    everything = db.session.query(Comment).execution_options(**{INCLUDE_DELETED: True})
    assert {c.id: c.is_deleted for c in everything} == {top.id: True, reply.id: True, deep.id: True, unrelated.id: False}
    reactions = db.session.query(Reaction).execution_options(**{INCLUDE_DELETED: True})
    assert sorted((r.comment_id == unrelated.id, r.is_deleted) for r in reactions) == [
        (False, True),
        (False, True),
        (True, False),
    ]

    viewer = as_user(other)
    assert viewer.get(f"/api/reviews/{review.id}/").get_json() == not_found("Review", review.id)
    assert viewer.get(f"/api/reviews/{review.id}/comments/{top.id}/").get_json() == not_found("Review", review.id)
    assert viewer.get(f"/api/users/{author.username}/reviews/").get_json()["count"] == 0
    assert viewer.get("/api/movies/film/reviews/").get_json()["count"] == 0
    assert viewer.delete(f"/api/reviews/{review.id}/").status_code == 404


# --- Comments ------------------------------------------------------------------------------------


def test_add_comment_and_reply(as_user, review):
    commenter = UserFactory()
    response = as_user(commenter).post(f"/api/reviews/{review.id}/comments/", json={"content": "First!"})
    assert response.status_code == 201
    top = db.session.query(Comment).one()
    assert response.get_json() == comment_json(top)
    response = as_user(review.user).post(f"/api/reviews/{review.id}/comments/{top.id}/replies/", json={"content": "Reply"})
    assert response.status_code == 201
    reply = db.session.query(Comment).filter(Comment.parent_id == top.id).one()
    assert response.get_json() == comment_json(reply)
    assert response.get_json()["reply_comment"] == f"{BASE}/api/reviews/{review.id}/comments/{top.id}/"
    response = as_user(commenter).post(f"/api/reviews/{review.id}/comments/{reply.id}/replies", json={"content": "Deeper"})
    assert response.status_code == 201
    assert as_user(commenter).get(f"/api/reviews/{review.id}/comments/{top.id}/").get_json() == comment_json(
        top, has_replies=True
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"content": ""}, {"content": ["This field cannot be blank."]}),
        ({"content": "x" * 1001}, {"content": ["Ensure this value has at most 1000 characters (it has 1001)."]}),
        ({"content": None}, {"content": ["This field cannot be null."]}),
        ({"content": ["a"]}, {"content": ["Not a valid string."]}),
        ({}, {"error": "Missing required fields"}),
    ],
)
def test_comment_validation(as_user, review, body, expected):
    caller = as_user(UserFactory())
    for path in (
        f"/api/reviews/{review.id}/comments/",
        f"/api/reviews/{review.id}/comments/{CommentFactory(review=review).id}/replies/",
    ):
        response = caller.post(path, json=body)
        assert (response.status_code, response.get_json()) == (400, expected)
    assert db.session.query(Comment).filter(Comment.parent_id.isnot(None)).count() == 0


def test_comment_of_1000_characters(as_user, review):
    response = as_user(UserFactory()).post(f"/api/reviews/{review.id}/comments/", json={"content": "x" * 1000})
    assert response.status_code == 201


def test_top_level_comments_list(as_user, review):
    comments = [CommentFactory(review=review) for _ in range(25)]
    CommentFactory(review=review, parent_id=comments[3].id)
    deleted_reply = CommentFactory(review=review, parent_id=comments[24].id)
    deleted_reply.delete()
    comments[10].delete()
    CommentFactory()  # another review
    db.session.commit()
    body = as_user(UserFactory()).get(f"/api/reviews/{review.id}/comments/").get_json()
    live = [c for c in reversed(comments) if not c.is_deleted]
    assert [item["id"] for item in body["results"]] == [c.id for c in live[:20]]
    assert body["count"] == 24
    assert body["next_last_id"] == live[19].id
    assert body["results"][0] == comment_json(comments[24], has_replies=False)
    rest = as_user(UserFactory()).get(f"/api/reviews/{review.id}/comments/?last_id={live[19].id}").get_json()
    assert [item["id"] for item in rest["results"]] == [c.id for c in live[20:]]
    assert rest["results"][-1] == comment_json(comments[0])
    assert [item["has_replies"] for item in rest["results"]] == [True, False, False, False]  # comments 3, 2, 1, 0
    assert rest["next_last_id"] is None


def test_replies_list(as_user, review):
    top = CommentFactory(review=review)
    replies = [CommentFactory(review=review, parent_id=top.id) for _ in range(3)]
    CommentFactory(review=review, parent_id=replies[0].id)
    body = as_user(UserFactory()).get(f"/api/reviews/{review.id}/comments/{top.id}/replies/?limit=2").get_json()
    assert body == {
        "results": [comment_json(replies[2]), comment_json(replies[1])],
        "next_last_id": replies[1].id,
        "count": 3,
    }
    rest = as_user(UserFactory()).get(f"/api/reviews/{review.id}/comments/{top.id}/replies/?last_id={replies[1].id}").get_json()
    assert rest["results"] == [comment_json(replies[0], has_replies=True)]


def test_edit_comment(as_user, review):
    commenter = UserFactory()
    comment = CommentFactory(review=review, user=commenter)
    response = as_user(review.user).put(f"/api/reviews/{review.id}/comments/{comment.id}/", data="broken")
    assert (response.status_code, response.get_json()) == (403, {"error": "You can only edit your own comments"})
    response = as_user(commenter).put(f"/api/reviews/{review.id}/comments/{comment.id}/", json={"content": " "})
    assert (response.status_code, response.get_json()) == (400, {"content": ["This field cannot be blank."]})
    response = as_user(commenter).put(f"/api/reviews/{review.id}/comments/{comment.id}/", json={"content": "Better"})
    assert response.status_code == 200
    db.session.expire_all()
    assert response.get_json() == comment_json(db.session.get(Comment, comment.id))
    assert response.get_json()["content"] == "Better"


def test_delete_comment_cascades_to_replies_and_reactions(as_user, review):
    commenter, other = UserFactory(), UserFactory()
    top = CommentFactory(review=review, user=commenter)
    reply = CommentFactory(review=review, user=other, parent_id=top.id)
    deeper = CommentFactory(review=review, user=other, parent_id=reply.id)
    sibling = CommentFactory(review=review, user=other)
    db.session.add_all(
        [
            Reaction(user_id=other.id, comment_id=deeper.id, emoji="LIKE"),
            Reaction(user_id=other.id, comment_id=sibling.id, emoji="LIKE"),
            Reaction(user_id=other.id, review_id=review.id, emoji="LIKE"),
        ]
    )
    db.session.commit()
    response = as_user(other).delete(f"/api/reviews/{review.id}/comments/{top.id}/")
    assert (response.status_code, response.get_json()) == (403, {"error": "You can only delete your own comments"})
    response = as_user(commenter).delete(f"/api/reviews/{review.id}/comments/{top.id}/")
    assert response.status_code == 204
    db.session.expire_all()
    everything = db.session.query(Comment).execution_options(**{INCLUDE_DELETED: True})
    assert {c.id: c.is_deleted for c in everything} == {top.id: True, reply.id: True, deeper.id: True, sibling.id: False}
    live_reactions = db.session.query(Reaction).all()
    assert {(r.comment_id, r.review_id) for r in live_reactions} == {(sibling.id, None), (None, review.id)}
    listed = as_user(other).get(f"/api/reviews/{review.id}/comments/").get_json()
    assert [item["id"] for item in listed["results"]] == [sibling.id]
    assert listed["count"] == 1
    for comment in (top, reply, deeper):
        response = as_user(other).get(f"/api/reviews/{review.id}/comments/{comment.id}/")
        assert response.get_json() == not_found("Comment", comment.id)


def test_written_comments_answer_their_current_has_replies(as_user, review):
    """`has_replies` is read with the row, also when a write reloads it: an edited comment keeps its replies."""
    top = CommentFactory(review=review)
    CommentFactory(review=review, parent_id=top.id)
    response = as_user(top.user).put(f"/api/reviews/{review.id}/comments/{top.id}/", json={"content": "Edited"})
    assert (response.status_code, response.get_json()["has_replies"]) == (200, True)
    response = as_user(top.user).post(f"/api/reviews/{review.id}/comments/{top.id}/replies/", json={"content": "More"})
    assert (response.status_code, response.get_json()["has_replies"]) == (201, False)


def test_deleting_a_reply_updates_has_replies(as_user, review):
    top = CommentFactory(review=review)
    reply = CommentFactory(review=review, parent_id=top.id)
    as_user(reply.user).delete(f"/api/reviews/{review.id}/comments/{reply.id}/")
    body = as_user(top.user).get(f"/api/reviews/{review.id}/comments/{top.id}/").get_json()
    assert body["has_replies"] is False
    assert as_user(top.user).get(f"/api/reviews/{review.id}/comments/{top.id}/replies/").get_json()["count"] == 0


def test_comment_must_belong_to_the_review(as_user, review):
    other_review = ReviewFactory()
    foreign = CommentFactory(review=other_review)
    gone = CommentFactory(review=review)
    gone.delete()
    db.session.commit()
    caller = as_user(UserFactory())
    for comment_id in (foreign.id, gone.id, 424242, 2**63):
        for method, suffix in (
            ("GET", ""),
            ("PUT", ""),
            ("DELETE", ""),
            ("GET", "replies/"),
            ("POST", "replies/"),
            ("GET", "reactions/"),
            ("POST", "reactions/"),
            ("GET", "translations/"),
            ("DELETE", "reactions/1/"),
        ):
            response = caller.open(method, f"/api/reviews/{review.id}/comments/{comment_id}/{suffix}", json={"content": "x"})
            assert response.status_code == 404, (method, suffix)
            assert response.get_json() == not_found("Comment", comment_id)
    # The review is resolved first: a missing review wins over a mismatching comment.
    response = caller.get(f"/api/reviews/999999/comments/{foreign.id}/")
    assert response.get_json() == not_found("Review", 999999)


# --- Constant query counts -----------------------------------------------------------------------


def test_list_query_counts_do_not_grow_with_the_page(as_user, review, count_queries):
    top = CommentFactory(review=review)
    for _ in range(55):
        parent = CommentFactory(review=review)
        CommentFactory(review=review, parent_id=parent.id)
        CommentFactory(review=review, parent_id=top.id)
    caller = as_user(UserFactory())
    caller.get(f"/api/reviews/{review.id}/")  # the ladder caches the caller's facts: the counts below are all warm
    for path in (f"/api/reviews/{review.id}/comments/", f"/api/reviews/{review.id}/comments/{top.id}/replies/"):
        counts = []
        for limit in (5, 50):
            db.session.expire_all()
            with count_queries() as counter:
                body = caller.get(f"{path}?limit={limit}").get_json()
            assert len(body["results"]) == limit
            counts.append(counter.count)
        assert counts[0] == counts[1], (path, counts)
