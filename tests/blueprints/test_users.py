"""Users: detail, search, friends lists, reviews of a user, suggestions (API.md 5.2)."""

from __future__ import annotations

import pytest

from moviesx.extensions import db
from moviesx.models import FriendRequest
from tests.factories import MovieFactory, ReviewFactory, UserFactory, make_friends

BASE = "http://localhost"
NOT_FOUND_USER = {"error": "Not Found", "message": "The requested resource was not found.", "model": "User"}


def usernames(body):
    return [user["username"] for user in body["results"]]


def add_request(from_user, to_user, status="P"):
    low, high = sorted((from_user.id, to_user.id))
    db.session.add(FriendRequest(from_user_id=from_user.id, to_user_id=to_user.id, pair_low=low, pair_high=high, status=status))
    db.session.commit()


# --- Detail --------------------------------------------------------------------------------------


def test_user_detail_shape(as_user, app):
    me = UserFactory()
    other = UserFactory(username="Other_1", bio="Hello", picture="users/pic.png")
    body = as_user(me).get("/api/users/Other_1/").get_json()
    assert body == {
        "id": other.id,
        "username": "Other_1",
        "bio": "Hello",
        "friendship": {"is_friend": False, "status": None},
        "picture": f"{BASE}/media/users/pic.png",
    }


def test_user_detail_of_myself_has_null_friendship_and_default_picture(as_user, app):
    me = UserFactory()
    response = as_user(me).get(f"/api/users/{me.username}")
    assert response.status_code == 200
    assert response.get_json() == {
        "id": me.id,
        "username": me.username,
        "bio": None,
        "friendship": None,
        "picture": f"{BASE}/media/users/default.png",
    }


@pytest.mark.parametrize("status", ["P", "A", "R"])
def test_friendship_status_from_both_sides(as_user, app, status):
    alice, bob = UserFactory(), UserFactory()
    add_request(alice, bob, status)
    for me, other in ((alice, bob), (bob, alice)):
        body = as_user(me).get(f"/api/users/{other.username}/").get_json()
        assert body["friendship"] == {"is_friend": False, "status": status}


def test_unknown_inactive_and_wrong_case_usernames_are_404(as_user, app):
    me = UserFactory()
    UserFactory(username="ghost", is_active=False)
    UserFactory(username="Case")
    for name in ("ghost", "nobody", "case"):
        response = as_user(me).get(f"/api/users/{name}/")
        assert response.status_code == 404
        assert response.get_json() == {**NOT_FOUND_USER, "lookup_value": name}


def test_username_outside_pattern_is_unknown_route(as_user, app):
    me = UserFactory()
    response = as_user(me).get("/api/users/bad-name/")
    assert response.status_code == 404
    assert response.get_json()["model"] == "unknown"


# --- Search --------------------------------------------------------------------------------------


def test_search_matches_username_first_and_last_name_ignoring_case(as_user, app):
    me = UserFactory(username="zed", first_name="Me", last_name="Myself")
    UserFactory(username="bob", first_name="Robert", last_name="Smith")
    UserFactory(username="carol", first_name="Caroline", last_name="ÉLAN")
    UserFactory(username="Bobby", first_name="B", last_name="B")
    UserFactory(username="bob_gone", is_active=False)
    assert usernames(as_user(me).get("/api/users/searching/?search_query=BOB").get_json()) == ["Bobby", "bob"]
    assert usernames(as_user(me).get("/api/users/searching/?search_query=smi").get_json()) == ["bob"]
    assert usernames(as_user(me).get("/api/users/searching/?search_query=élan").get_json()) == ["carol"]
    assert usernames(as_user(me).get("/api/users/searching/?name=robert").get_json()) == ["bob"]
    # search_query wins over name; blank matches everyone, the caller included
    everyone = as_user(me).get("/api/users/searching/?search_query=%20&name=robert").get_json()
    assert usernames(everyone) == ["Bobby", "bob", "carol", "zed"]
    assert everyone["count"] == 4


def test_search_literal_wildcards(as_user, app):
    me = UserFactory(username="me_")
    UserFactory(username="plain")
    assert usernames(as_user(me).get("/api/users/searching/?search_query=_").get_json()) == ["me_"]
    assert usernames(as_user(me).get("/api/users/searching/?search_query=%25").get_json()) == []


def test_search_is_friend_keeps_only_friends(as_user, app):
    me = UserFactory(username="me")
    friend = UserFactory(username="friend")
    UserFactory(username="stranger")
    pending = UserFactory(username="pending")
    make_friends(friend, me)
    add_request(me, pending)
    body = as_user(me).get("/api/users/searching/?is_friend=TRUE").get_json()
    assert body == {
        "results": [
            {
                "id": friend.id,
                "username": "friend",
                "bio": None,
                "friendship": {"is_friend": True, "status": "A"},
                "picture": f"{BASE}/media/users/default.png",
            }
        ],
        "count": 1,
        "total_pages": 1,
        "current_page": 1,
        "has_next": False,
        "has_previous": False,
    }
    assert usernames(as_user(me).get("/api/users/searching/?is_friend=yes").get_json()) == ["friend", "me", "pending", "stranger"]


def test_search_pages_by_username_code_point_then_id(as_user, app):
    me = UserFactory(username="a_me")
    for name in ("b", "C", "d", "Z", "_"):
        UserFactory(username=name)
    body = as_user(me).get("/api/users/searching/?limit=2&page=2").get_json()
    assert usernames(body) == ["_", "a_me"]
    assert (body["count"], body["total_pages"], body["current_page"], body["has_next"], body["has_previous"]) == (
        6,
        3,
        2,
        True,
        True,
    )
    assert usernames(as_user(me).get("/api/users/searching/?limit=2&page=99").get_json()) == ["b", "d"]
    assert usernames(as_user(me).get("/api/users/searching/?limit=2").get_json()) == ["C", "Z"]


# --- Friends lists -------------------------------------------------------------------------------


def test_friends_lists_id_descending_with_cursor(as_user, app):
    me, other = UserFactory(), UserFactory()
    friends = [UserFactory() for _ in range(4)]
    for friend in friends:
        make_friends(friend, other)
    make_friends(me, friends[0])
    friends[2].is_active = False
    db.session.commit()
    first = as_user(me).get(f"/api/users/{other.username}/friends/?limit=2").get_json()
    assert usernames(first) == [friends[3].username, friends[1].username]
    assert first["count"] == 3
    assert first["next_last_id"] == friends[1].id
    rest = as_user(me).get(f"/api/users/{other.username}/friends/?limit=2&last_id={friends[1].id}").get_json()
    assert rest == {
        "results": [
            {
                "id": friends[0].id,
                "username": friends[0].username,
                "bio": None,
                "friendship": {"is_friend": True, "status": "A"},
                "picture": f"{BASE}/media/users/default.png",
            }
        ],
        "next_last_id": None,
        "count": 3,
    }
    mine = as_user(me).get("/api/users/friends/").get_json()
    assert usernames(mine) == [friends[0].username]


def test_friends_of_inactive_user_is_404(as_user, app):
    me = UserFactory()
    gone = UserFactory(is_active=False)
    response = as_user(me).get(f"/api/users/{gone.username}/friends/")
    assert response.status_code == 404
    assert response.get_json() == {**NOT_FOUND_USER, "lookup_value": gone.username}


def test_last_id_above_int64_is_treated_as_absent(as_user, app):
    me = UserFactory()
    friend = UserFactory()
    make_friends(me, friend)
    body = as_user(me).get(f"/api/users/friends/?last_id={2**64}").get_json()
    assert usernames(body) == [friend.username]


# --- Reviews of a user ---------------------------------------------------------------------------


def test_user_reviews_live_on_live_movies_id_descending(as_user, app):
    me, author = UserFactory(), UserFactory()
    movies = [MovieFactory() for _ in range(4)]
    reviews = [ReviewFactory(user=author, movie=movie) for movie in movies]
    reviews[1].delete()
    movies[2].delete()
    ReviewFactory(user=me, movie=movies[0])
    db.session.commit()
    body = as_user(me).get(f"/api/users/{author.username}/reviews/").get_json()
    assert body == {
        "results": [
            {
                "id": review.id,
                "title": review.title,
                "movie": f"{BASE}/api/movies/{review.movie.slug}/",
                "user": f"{BASE}/api/users/{author.username}/",
                "content": review.content,
                "is_positive": True,
                "created_at": review.created_at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            }
            for review in (reviews[3], reviews[0])
        ],
        "next_last_id": None,
        "count": 2,
    }


# --- Suggestions ---------------------------------------------------------------------------------


def test_suggested_users_endpoint(as_user, app):
    me = UserFactory()
    f1, f2 = UserFactory(), UserFactory()
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    make_friends(me, f1)
    make_friends(me, f2)
    for user in (a, b, c):
        make_friends(user, f1)
    make_friends(c, f2)
    add_request(b, me, "R")
    first = as_user(me).get("/api/users/suggested-users/?limit=2&recomender_for=x").get_json()
    assert first == {
        "results": [
            {
                "id": c.id,
                "username": c.username,
                "bio": None,
                "friendship": {"is_friend": False, "status": None},
                "picture": f"{BASE}/media/users/default.png",
            },
            {
                "id": a.id,
                "username": a.username,
                "bio": None,
                "friendship": {"is_friend": False, "status": None},
                "picture": f"{BASE}/media/users/default.png",
            },
        ],
        "next_last_id": a.id,
        "count": 3,
    }
    rest = as_user(me).get(f"/api/users/suggested-users/?limit=2&last_id={a.id}").get_json()
    assert [user["username"] for user in rest["results"]] == [b.username]
    assert rest["results"][0]["friendship"] == {"is_friend": False, "status": "R"}
    assert rest["next_last_id"] is None
    assert as_user(me).get("/api/users/suggested-users/?last_id=999999").get_json() == {
        "results": [],
        "next_last_id": None,
        "count": 3,
    }


# --- Constant query counts -----------------------------------------------------------------------


@pytest.fixture
def crowd(app):
    """A caller with 60 friends (each with pending/accepted rows), 60 suggestions, 60 reviews, 60 requests."""
    me = UserFactory(username="crowd_me")
    hub = UserFactory()
    make_friends(me, hub)
    for _ in range(60):
        friend = UserFactory()
        make_friends(me, friend)
        make_friends(UserFactory(), hub)
        add_request(UserFactory(), me)
    for _ in range(60):
        ReviewFactory(user=me)
    return me


LIST_PATHS = [
    "/api/users/suggested-users/",
    "/api/users/friend-requests/",
    "/api/users/friends/",
    "/api/users/searching/",
    "/api/users/searching/?is_friend=true",
    "/api/users/crowd_me/friends/",
    "/api/users/crowd_me/reviews/",
]


def test_list_query_counts_do_not_grow_with_the_page(as_user, crowd, count_queries):
    caller = as_user(crowd)
    for path in LIST_PATHS:
        joiner = "&" if "?" in path else "?"
        counts = []
        caller.get(path)  # the caller's cached facts are warm for both requests below
        for limit in (5, 50):
            db.session.expire_all()  # every request starts from a cold identity map
            with count_queries() as counter:
                body = caller.get(f"{path}{joiner}limit={limit}").get_json()
            assert len(body["results"]) == limit, path
            counts.append(counter.count)
        assert counts[0] == counts[1], (path, counts)
