"""/api/schema/ documents the users and friends operations as they answer (API.md 5.2)."""

from __future__ import annotations

from moviesx.extensions import db
from moviesx.models import FriendRequest
from tests.factories import ReviewFactory, UserFactory, make_friends
from tests.support import openapi
from tests.support.conformance import conformance_of
from tests.support.openapi import operation

spec = openapi.spec

CURSOR = {"last_id": "integer", "limit": "integer"}
PAGE = {"page": "integer", "limit": "integer"}

QUERY_PARAMETERS = {
    "GET /api/users/suggested-users/": CURSOR,
    "GET /api/users/friend-requests/": CURSOR,
    "GET /api/users/friends/": CURSOR,
    "DELETE /api/users/friends/": {"username": "string"},
    "GET /api/users/searching/": {"search_query": "string", "name": "string", "is_friend": "boolean", **PAGE},
    "GET /api/users/{username}/": {},
    "GET /api/users/{username}/reviews/": CURSOR,
    "GET /api/users/{username}/friends/": CURSOR,
    "POST /api/users/{username}/friend-requests/": {},
    "DELETE /api/users/{username}/friend-requests/": {},
    "GET /api/users/{username}/translations/": {},
}


def test_each_operation_declares_the_query_parameters_of_the_contract_with_their_types(spec):
    declared = {
        name: {p["name"]: p["schema"]["type"] for p in operation(spec, name).get("parameters", []) if p["in"] == "query"}
        for name in QUERY_PARAMETERS
    }
    assert declared == QUERY_PARAMETERS
    users = [name for name, op in _users_operations(spec)]
    assert sorted(users) == sorted(QUERY_PARAMETERS)


def _users_operations(spec):
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in {"get", "post", "put", "delete"} and "Users and friends" in op["tags"]:
                yield f"{method.upper()} {path}", op


def test_each_operation_has_a_summary_a_description_and_the_bearer_requirement(spec):
    for name, op in _users_operations(spec):
        assert op.get("summary") and op.get("description"), name
        assert "API.md" not in op["summary"] + op["description"], name
        assert op["security"] == [{"bearerAuth": []}], name
    tag = next(tag for tag in spec["tags"] if tag["name"] == "Users and friends")
    assert "symmetric" in tag["description"]


def test_status_errors_are_documented_where_the_contract_lists_them(spec):
    def documented(name):
        return {
            status: response.get("$ref", "").rsplit("/", 1)[-1]
            or response["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
            for status, response in operation(spec, name)["responses"].items()
            if status != "200"
        }

    ladder = {"401": "UNAUTHORIZED", "429": "TOO_MANY_REQUESTS"}
    assert documented("DELETE /api/users/friends/") == {"400": "StatusError", "404": "StatusError", **ladder}
    for name in ("POST /api/users/{username}/friend-requests/", "DELETE /api/users/{username}/friend-requests/"):
        assert documented(name) == {"400": "StatusError", "404": "NOT_FOUND", **ladder}
    assert documented("GET /api/users/searching/") == ladder
    assert documented("GET /api/users/{username}/") == {"404": "NOT_FOUND", **ladder}
    assert spec["components"]["schemas"]["StatusError"]["required"] == ["status"]


def test_user_shape_types_friendship_and_picture(spec):
    user = spec["components"]["schemas"]["User"]["properties"]
    assert user["friendship"]["nullable"] is True
    assert user["friendship"]["required"] == ["is_friend", "status"]
    assert user["friendship"]["properties"]["status"]["enum"] == ["P", "A", "R", None]
    assert user["picture"]["format"] == "uri"
    assert user["bio"]["nullable"] is True
    assert all("example" in field for name, field in user.items() if name != "friendship")
    request = spec["components"]["schemas"]["FriendRequest"]["properties"]
    assert request["from_user"]["format"] == request["to_user"]["format"] == "uri"


def _answers(app, caller):
    """Real answers of every operation, errors included: [(method, path, response)]."""
    friend, stranger, asking = UserFactory(), UserFactory(), UserFactory()
    make_friends(caller, friend)
    make_friends(friend, stranger)
    low, high = sorted((asking.id, caller.id))
    db.session.add(FriendRequest(from_user_id=asking.id, to_user_id=caller.id, pair_low=low, pair_high=high, status="P"))
    db.session.commit()
    ReviewFactory(user=friend)
    return [
        ("GET", "/api/users/suggested-users/?limit=1"),
        ("GET", "/api/users/friend-requests/"),
        ("GET", "/api/users/friends/"),
        ("GET", f"/api/users/searching/?search_query={friend.username}"),
        ("GET", "/api/users/searching/?is_friend=true"),
        ("GET", f"/api/users/{friend.username}/"),
        ("GET", f"/api/users/{caller.username}/"),
        ("GET", "/api/users/nobody/"),
        ("GET", f"/api/users/{friend.username}/reviews/"),
        ("GET", f"/api/users/{friend.username}/friends/"),
        ("GET", f"/api/users/{friend.username}/translations/"),
        ("POST", f"/api/users/{caller.username}/friend-requests/"),
        ("POST", f"/api/users/{friend.username}/friend-requests/"),
        ("POST", f"/api/users/{stranger.username}/friend-requests/"),
        ("POST", f"/api/users/{stranger.username}/friend-requests/"),
        ("DELETE", f"/api/users/{caller.username}/friend-requests/"),
        ("DELETE", f"/api/users/{friend.username}/friend-requests/"),
        ("DELETE", f"/api/users/{asking.username}/friend-requests/"),
        ("DELETE", "/api/users/friends/"),
        ("DELETE", "/api/users/friends/?username=nobody"),
        ("DELETE", f"/api/users/friends/?username={caller.username}"),
        ("DELETE", f"/api/users/friends/?username={asking.username}"),
        ("DELETE", f"/api/users/friends/?username={friend.username}"),
    ]


def test_every_answer_conforms_to_the_document(app, as_user):
    caller = UserFactory()
    client = as_user(caller)
    checker = conformance_of(app)
    statuses = []
    for method, path in _answers(app, caller):
        response = client.open(method, path)
        statuses.append(response.status_code)
        checker.check(method, response.request.path, response.status_code, response.get_json(), response.content_type)
    assert statuses == [200] * 7 + [404] + [200] * 3 + [400, 400, 200, 400, 400, 400, 200, 400, 404, 400, 400, 200]
