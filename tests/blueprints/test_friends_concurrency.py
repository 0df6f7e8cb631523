"""Real concurrent duplicates (API.md 3.2b): same answers as one after the other, never a 500."""

from __future__ import annotations

import threading

import pytest

from moviesx.extensions import db
from moviesx.models import FriendRequest, Friendship, Rating, Reaction, Review
from tests.factories import MovieFactory, ReviewFactory, UserFactory


def at_once(app, calls):
    """Run each (headers, method, path, json) in its own thread, released together; returns (status, body)."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, headers, method, path, body):
        client = app.test_client()
        barrier.wait()
        response = client.open(path, method=method, headers=headers, json=body)
        results[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    db.session.expire_all()
    return results


@pytest.fixture
def users(app):
    return UserFactory(), UserFactory()


@pytest.mark.parametrize("attempt", range(3))
def test_two_identical_friend_requests(app, users, headers_for, attempt):
    alice, bob = users
    call = (headers_for(alice), "POST", f"/api/users/{bob.username}/friend-requests/", None)
    results = at_once(app, [call, call])
    assert sorted(results, key=lambda r: r[0]) == [
        (200, {"status": "Friend request sent"}),
        (400, {"status": "Friend request already sent"}),
    ]
    assert db.session.query(FriendRequest).count() == 1


@pytest.mark.parametrize("attempt", range(3))
def test_crossing_friend_requests(app, users, headers_for, attempt):
    alice, bob = users
    results = at_once(
        app,
        [
            (headers_for(alice), "POST", f"/api/users/{bob.username}/friend-requests/", None),
            (headers_for(bob), "POST", f"/api/users/{alice.username}/friend-requests/", None),
        ],
    )
    assert sorted(body["status"] for _status, body in results) == ["Friend request accepted", "Friend request sent"]
    assert {status for status, _body in results} == {200}
    assert db.session.query(Friendship).count() == 2
    assert [row.status for row in db.session.query(FriendRequest).all()] == ["A"]


def test_two_identical_ratings_reviews_and_reactions(app, users, headers_for):
    alice, _bob = users
    movie = MovieFactory()
    review = ReviewFactory()
    headers = headers_for(alice)
    cases = [
        (f"/api/movies/{movie.slug}/ratings/", {"rating": 4}, 201, {"error": "You have already rated this movie"}, Rating),
        (
            f"/api/movies/{movie.slug}/reviews/",
            {"title": "t", "content": "c", "is_positive": True},
            201,
            {"__all__": ["Each user can only have one active review per movie."]},
            Review,
        ),
        (
            f"/api/reviews/{review.id}/reactions/",
            {"emoji_code": "LIKE"},
            200,
            {"error": "You have already reacted with this emoji"},
            Reaction,
        ),
    ]
    for path, body, ok, refusal, model in cases:
        before = db.session.query(model).count()
        results = at_once(app, [(headers, "POST", path, body), (headers, "POST", path, body)])
        statuses = sorted(status for status, _ in results)
        assert statuses == sorted([ok, 400]), (path, results)
        assert [body for status, body in results if status == 400] == [refusal]
        assert db.session.query(model).count() == before + 1
