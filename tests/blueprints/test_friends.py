"""Friend requests, friendships and unfriending (API.md 5.2, 6.1)."""

from __future__ import annotations

import pytest

from moviesx.extensions import db
from moviesx.models import FriendRequest, Friendship
from tests.factories import MovieFactory, RatingFactory, UserFactory, make_friends
from tests.support.social import concurrent_insert


def request_rows():
    return [
        (row.from_user_id, row.to_user_id, row.status) for row in db.session.query(FriendRequest).order_by(FriendRequest.id).all()
    ]


def friendship_rows():
    return sorted((row.user_id, row.friend_id) for row in db.session.query(Friendship).all())


def send(as_user, sender, target):
    return as_user(sender).post(f"/api/users/{target.username}/friend-requests/")


def reject(as_user, caller, target):
    return as_user(caller).delete(f"/api/users/{target.username}/friend-requests/")


@pytest.fixture
def pair(app):
    return UserFactory(), UserFactory()


def test_send_creates_a_pending_row(as_user, pair):
    alice, bob = pair
    response = send(as_user, alice, bob)
    assert response.status_code == 200
    assert response.get_json() == {"status": "Friend request sent"}
    assert request_rows() == [(alice.id, bob.id, "P")]
    assert friendship_rows() == []


def test_friend_yourself(as_user, pair):
    alice, _ = pair
    response = send(as_user, alice, alice)
    assert response.status_code == 400
    assert response.get_json() == {"status": "You cannot friend yourself"}
    assert request_rows() == []


def test_send_twice_is_already_sent(as_user, pair):
    alice, bob = pair
    send(as_user, alice, bob)
    response = send(as_user, alice, bob)
    assert response.status_code == 400
    assert response.get_json() == {"status": "Friend request already sent"}
    assert request_rows() == [(alice.id, bob.id, "P")]


def test_sending_back_accepts_and_friendship_is_visible_from_both_sides(as_user, pair):
    alice, bob = pair
    send(as_user, alice, bob)
    response = send(as_user, bob, alice)
    assert response.status_code == 200
    assert response.get_json() == {"status": "Friend request accepted"}
    assert request_rows() == [(alice.id, bob.id, "A")]
    assert friendship_rows() == sorted([(alice.id, bob.id), (bob.id, alice.id)])

    for me, other in ((alice, bob), (bob, alice)):
        friends = as_user(me).get("/api/users/friends/").get_json()
        assert [user["username"] for user in friends["results"]] == [other.username]
        assert friends["results"][0]["friendship"] == {"is_friend": True, "status": "A"}
        detail = as_user(me).get(f"/api/users/{other.username}/").get_json()
        assert detail["friendship"] == {"is_friend": True, "status": "A"}
        found = as_user(me).get("/api/users/searching/?is_friend=true").get_json()
        assert [user["username"] for user in found["results"]] == [other.username]

    movie = MovieFactory()
    RatingFactory(user=alice, movie=movie, rating=5)
    RatingFactory(user=bob, movie=movie, rating=2)
    seen_by_alice = as_user(alice).get(f"/api/movies/{movie.slug}/friends-ratings/").get_json()
    assert [rating["rating"] for rating in seen_by_alice["results"]] == [2]
    seen_by_bob = as_user(bob).get(f"/api/movies/{movie.slug}/friends-ratings/").get_json()
    assert [rating["rating"] for rating in seen_by_bob["results"]] == [5]


def test_already_friends_from_both_sides(as_user, pair):
    alice, bob = pair
    make_friends(alice, bob)
    for me, other in ((alice, bob), (bob, alice)):
        response = send(as_user, me, other)
        assert response.status_code == 400
        assert response.get_json() == {"status": "Already friends"}
    assert request_rows() == [(alice.id, bob.id, "A")]


def test_reject_incoming_then_resend_redirects_the_row(as_user, pair, clock):
    alice, bob = pair
    send(as_user, alice, bob)
    row_id = db.session.query(FriendRequest.id).scalar()
    first_created = db.session.get(FriendRequest, row_id).created_at

    response = reject(as_user, bob, alice)
    assert response.status_code == 200
    assert response.get_json() == {"status": "Friend request rejected"}
    assert request_rows() == [(alice.id, bob.id, "R")]

    # The rejected side sends: the one row of the pair is redirected and pending again.
    clock.advance(seconds=30)
    response = send(as_user, bob, alice)
    assert response.get_json() == {"status": "Friend request sent"}
    db.session.expire_all()
    row = db.session.get(FriendRequest, row_id)
    assert (row.from_user_id, row.to_user_id, row.status) == (bob.id, alice.id, "P")
    assert row.created_at == clock.now.replace(tzinfo=None)
    assert row.created_at > first_created
    assert db.session.query(FriendRequest).count() == 1

    # And the original sender may accept it by sending back.
    assert send(as_user, alice, bob).get_json() == {"status": "Friend request accepted"}


def test_the_rejected_sender_may_send_again(as_user, pair):
    alice, bob = pair
    send(as_user, alice, bob)
    reject(as_user, bob, alice)
    response = send(as_user, alice, bob)
    assert response.status_code == 200
    assert response.get_json() == {"status": "Friend request sent"}
    assert request_rows() == [(alice.id, bob.id, "P")]
    assert friendship_rows() == []


def test_cancel_own_request(as_user, pair):
    alice, bob = pair
    send(as_user, alice, bob)
    response = reject(as_user, alice, bob)
    assert response.status_code == 200
    assert response.get_json() == {"status": "Friend request rejected"}
    assert request_rows() == [(alice.id, bob.id, "R")]
    assert as_user(bob).get("/api/users/friend-requests/").get_json() == {"results": [], "next_last_id": None, "count": 0}


def test_reject_without_pending_row(as_user, pair):
    alice, bob = pair
    response = reject(as_user, alice, bob)
    assert response.status_code == 400
    assert response.get_json() == {"status": "No friend relationship to reject"}
    send(as_user, alice, bob)
    reject(as_user, bob, alice)
    response = reject(as_user, bob, alice)
    assert response.status_code == 400
    assert response.get_json() == {"status": "No friend relationship to reject"}


def test_reject_never_unfriends(as_user, pair):
    alice, bob = pair
    make_friends(alice, bob)
    response = reject(as_user, alice, bob)
    assert response.status_code == 400
    assert response.get_json() == {"status": "No friend relationship to reject"}
    assert len(friendship_rows()) == 2


def test_reject_yourself(as_user, pair):
    alice, _ = pair
    response = reject(as_user, alice, alice)
    assert response.status_code == 400
    assert response.get_json() == {"status": "You cannot unfriend yourself"}


def test_send_after_unfriend_creates_a_new_row(as_user, pair):
    alice, bob = pair
    make_friends(alice, bob)
    as_user(bob).delete(f"/api/users/friends/?username={alice.username}")
    assert request_rows() == []
    assert send(as_user, bob, alice).get_json() == {"status": "Friend request sent"}
    assert request_rows() == [(bob.id, alice.id, "P")]


def test_accepted_row_without_friendship_is_redirected(as_user, pair):
    """Rule (4) also covers an `A` row whose friendship is gone."""
    alice, bob = pair
    low, high = sorted((alice.id, bob.id))
    db.session.add(FriendRequest(from_user_id=alice.id, to_user_id=bob.id, pair_low=low, pair_high=high, status="A"))
    db.session.commit()
    assert send(as_user, bob, alice).get_json() == {"status": "Friend request sent"}
    assert request_rows() == [(bob.id, alice.id, "P")]


def test_unknown_or_inactive_target_is_a_generic_404(as_user, pair):
    alice, bob = pair
    bob.is_active = False
    db.session.commit()
    for path in (f"/api/users/{bob.username}/friend-requests/", "/api/users/nobody_here/friend-requests/"):
        for method in ("POST", "DELETE"):
            response = as_user(alice).open(method, path)
            assert response.status_code == 404
            assert response.get_json() == {
                "error": "Not Found",
                "message": "The requested resource was not found.",
                "model": "User",
                "lookup_value": path.split("/")[3],
            }


def test_body_is_ignored(as_user, pair):
    alice, bob = pair
    response = as_user(alice).post(f"/api/users/{bob.username}/friend-requests/", data="{not json")
    assert response.get_json() == {"status": "Friend request sent"}
    response = as_user(bob).post(f"/api/users/{alice.username}/friend-requests/", json={"action": "reject"})
    assert response.get_json() == {"status": "Friend request accepted"}


def test_status_messages_are_translated(as_user, app):
    alice = UserFactory(preferred_language="es")
    bob = UserFactory()
    assert send(as_user, alice, bob).get_json() == {"status": "Solicitud de amistad enviada"}


def test_friend_requests_are_open_to_unverified_users_and_newest_first(as_user, app, clock):
    me = UserFactory(verified=False)
    senders = [UserFactory() for _ in range(3)]
    for sender in senders:
        send(as_user, sender, me)
        clock.advance(seconds=1)
    quiet = UserFactory()
    send(as_user, quiet, me)
    quiet.is_active = False
    db.session.commit()

    body = as_user(me).get("/api/users/friend-requests/?limit=2").get_json()
    rows = {row.from_user_id: row for row in db.session.query(FriendRequest).all()}
    base = "http://localhost"
    assert body == {
        "results": [
            {
                "id": rows[senders[2].id].id,
                "from_user": f"{base}/api/users/{senders[2].username}/",
                "to_user": f"{base}/api/users/{me.username}/",
                "status": "Pending",
            },
            {
                "id": rows[senders[1].id].id,
                "from_user": f"{base}/api/users/{senders[1].username}/",
                "to_user": f"{base}/api/users/{me.username}/",
                "status": "Pending",
            },
        ],
        "next_last_id": rows[senders[1].id].id,
        "count": 3,
    }
    rest = as_user(me).get(f"/api/users/friend-requests/?limit=2&last_id={body['next_last_id']}").get_json()
    assert [item["id"] for item in rest["results"]] == [rows[senders[0].id].id]
    assert rest["next_last_id"] is None
    assert rest["count"] == 3


def test_outgoing_and_answered_requests_are_not_listed(as_user, pair):
    alice, bob = pair
    send(as_user, alice, bob)
    assert as_user(alice).get("/api/users/friend-requests/").get_json()["count"] == 0
    send(as_user, bob, alice)
    assert as_user(bob).get("/api/users/friend-requests/").get_json()["count"] == 0


# --- Unfriend ------------------------------------------------------------------------------------


def unfriend(as_user, caller, query=""):
    return as_user(caller).delete(f"/api/users/friends/{query}")


def test_unfriend_deletes_friendship_and_row(as_user, pair):
    alice, bob = pair
    make_friends(alice, bob)
    response = unfriend(as_user, bob, f"?username={alice.username}")
    assert response.status_code == 200
    assert response.get_json() == {"status": "Unfriended successfully"}
    assert friendship_rows() == []
    assert request_rows() == []
    assert as_user(alice).get("/api/users/friends/").get_json()["count"] == 0
    assert as_user(alice).get(f"/api/users/{bob.username}/").get_json()["friendship"] == {"is_friend": False, "status": None}


def test_unfriend_errors_in_order(as_user, pair):
    alice, bob = pair
    gone = UserFactory(is_active=False)
    cases = [
        ("", 400, {"status": "Username parameter is required"}),
        ("?username=", 400, {"status": "Username parameter is required"}),
        ("?username=nobody", 404, {"status": "User not found"}),
        (f"?username={gone.username}", 404, {"status": "User not found"}),
        (f"?username={alice.username}", 400, {"status": "You cannot unfriend yourself"}),
        (f"?username={bob.username}", 400, {"status": "Not friends"}),
    ]
    for query, status, body in cases:
        response = unfriend(as_user, alice, query)
        assert (response.status_code, response.get_json()) == (status, body), query


def test_unfriend_a_pending_request_is_not_friends(as_user, pair):
    alice, bob = pair
    send(as_user, alice, bob)
    response = unfriend(as_user, alice, f"?username={bob.username}")
    assert response.get_json() == {"status": "Not friends"}
    assert request_rows() == [(alice.id, bob.id, "P")]


def test_username_must_match_exactly(as_user, pair):
    alice, bob = pair
    make_friends(alice, bob)
    response = unfriend(as_user, alice, f"?username={bob.username.upper()}")
    assert response.get_json() == {"status": "User not found"}


def test_auth_ladder(client, pair, headers_for):
    alice, bob = pair
    response = client.post(f"/api/users/{bob.username}/friend-requests/")
    assert response.status_code == 401
    assert response.get_json() == {"error": "You need to be authenticated"}
    alice.verified = False
    db.session.commit()
    response = client.post(f"/api/users/{bob.username}/friend-requests/", headers=headers_for(alice))
    assert response.status_code == 401
    assert response.get_json() == {"error": "User account is not verified"}
    response = client.get("/api/users/friends/", headers=headers_for(alice))
    assert response.get_json() == {"error": "User account is not verified"}


# --- Concurrent duplicates (API.md 3.2b) ---------------------------------------------------------


PENDING_REQUEST_SQL = (
    "INSERT INTO friend_requests (from_user_id, to_user_id, pair_low, pair_high, status, created_at, updated_at) "
    "VALUES (:f, :t, :low, :high, 'P', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
)


def concurrent_pending_request(sender, receiver):
    """Another connection commits a pending request sender -> receiver just before our INSERT."""
    low, high = sorted((sender.id, receiver.id))
    params = {"f": sender.id, "t": receiver.id, "low": low, "high": high}
    return concurrent_insert("friend_requests", PENDING_REQUEST_SQL, params)


def test_crossing_requests_answer_as_if_the_other_came_first(as_user, pair):
    """Bob's request lands between Alice's read and her insert: Alice's request accepts it."""
    alice, bob = pair
    with concurrent_pending_request(bob, alice) as fired:
        response = send(as_user, alice, bob)
    assert fired
    assert response.status_code == 200
    assert response.get_json() == {"status": "Friend request accepted"}
    db.session.expire_all()
    assert request_rows() == [(bob.id, alice.id, "A")]
    assert len(friendship_rows()) == 2


def test_duplicate_requests_answer_already_sent(as_user, pair):
    alice, bob = pair
    with concurrent_pending_request(alice, bob) as fired:
        response = send(as_user, alice, bob)
    assert fired
    assert response.status_code == 400
    assert response.get_json() == {"status": "Friend request already sent"}
    db.session.expire_all()
    assert request_rows() == [(alice.id, bob.id, "P")]


def test_concurrent_accepts_answer_already_friends(as_user, pair):
    if db.engine.dialect.name == "sqlite":
        pytest.skip("SQLite serialises writers: a second accept cannot land after our UPDATE")
    alice, bob = pair
    send(as_user, alice, bob)
    sql = (
        "INSERT INTO friendships (user_id, friend_id, created_at) VALUES (:a, :b, CURRENT_TIMESTAMP), (:b, :a, CURRENT_TIMESTAMP)"
    )
    with concurrent_insert("friendships", sql, {"a": alice.id, "b": bob.id}) as fired:
        response = send(as_user, bob, alice)
    assert fired
    assert response.status_code == 400
    assert response.get_json() == {"status": "Already friends"}
    db.session.expire_all()
    assert len(friendship_rows()) == 2


def test_friend_request_status_label_is_translated(as_user, app):
    me = UserFactory(preferred_language="fr")
    send(as_user, UserFactory(), me)
    body = as_user(me).get("/api/users/friend-requests/").get_json()
    assert [item["status"] for item in body["results"]] == ["En attente"]


def test_methods_not_listed_are_405(as_user, pair):
    alice, bob = pair
    response = as_user(alice).put("/api/users/friends/")
    assert response.status_code == 405
    assert response.get_json() == {"error": "Method not allowed"}
    assert {"GET", "DELETE"} <= {m.strip() for m in response.headers["Allow"].split(",")}
    response = as_user(alice).get(f"/api/users/{bob.username}/friend-requests/")
    assert response.status_code == 405
    assert {m.strip() for m in response.headers["Allow"].split(",")} >= {"POST", "DELETE"}
