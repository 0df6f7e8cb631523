"""The privacy matrix of API.md 6.2: 3 privacy levels x 4 viewers x every list route.

owner sees everything; a friend of the owner sees P and F; a friend of that friend (not of the owner) and a
stranger see P. An invisible list answers exactly like a missing one.
"""

from __future__ import annotations

import json

import pytest

from moviesx.extensions import db
from moviesx.models import MovieList
from tests.factories import MovieFactory
from tests.support.lists import (
    NOT_VISIBLE,
    cast_fixture,  # noqa: F401 - the `cast` fixture
    list_body,
    list_path,
    make_list,
    page,
    slugs_in_db,
)

PRIVACIES = ("P", "F", "R")
ROLES = ("owner", "friend", "fof", "stranger")
MATRIX = [(privacy, role) for privacy in PRIVACIES for role in ROLES]


def sees(privacy: str, role: str) -> bool:
    return role == "owner" or privacy == "P" or (privacy == "F" and role == "friend")


@pytest.fixture
def scene(cast):
    """The owner's list (one movie in it, one more in the catalogue) for each privacy level."""
    inside, outside = MovieFactory(title="Inside Job"), MovieFactory(title="Outside")
    lists = {
        code: make_list(cast.owner, name=f"Secret {code}", slug=f"secret-{code.lower()}", privacity=code, movies=[inside])
        for code in PRIVACIES
    }
    return cast, lists, inside, outside


@pytest.mark.parametrize(("privacy", "role"), MATRIX)
def test_detail(as_user, scene, privacy, role):
    cast, lists, inside, _ = scene

    response = as_user(cast[role]).get(list_path(lists[privacy]))

    if sees(privacy, role):
        assert response.status_code == 200
        assert response.get_json() == list_body(lists[privacy], [inside])
        return
    assert response.status_code == 404
    assert response.get_json() == NOT_VISIBLE
    # Invisible is exactly missing, on every single-list route.
    for method, suffix in [("GET", ""), ("GET", "movies/searching/"), ("POST", f"{inside.slug}/"), ("DELETE", "")]:
        missing = as_user(cast[role]).open(method, f"/api/movies-lists/owner/no-such-list/{suffix}")
        hidden = as_user(cast[role]).open(method, list_path(lists[privacy], suffix))
        assert (hidden.status_code, hidden.get_json(), hidden.headers.get("Allow")) == (
            missing.status_code,
            missing.get_json(),
            missing.headers.get("Allow"),
        )
        assert hidden.get_json() == NOT_VISIBLE


@pytest.mark.parametrize("role", ROLES)
def test_user_lists_count_and_cursor_skip_invisible_lists(as_user, cast, role):
    made = [make_list(cast.owner, privacity=code) for code in ("P", "R", "F", "R", "P", "F")]
    visible = [m for m in reversed(made) if sees(m.privacity, role)]

    first = as_user(cast[role]).get("/api/movies-lists/owner/?limit=1").get_json()
    second = as_user(cast[role]).get(f"/api/movies-lists/owner/?limit=1&last_id={visible[0].id}").get_json()

    assert first == {"results": [list_body(visible[0])], "next_last_id": visible[0].id, "count": len(visible)}
    assert second["results"] == [list_body(visible[1])]
    assert second["count"] == len(visible)


@pytest.mark.parametrize(("privacy", "role"), MATRIX)
def test_user_lists_and_list_search(as_user, cast, privacy, role):
    movie_list = make_list(cast.owner, name=f"Secret {privacy}", privacity=privacy)
    expected = [list_body(movie_list)] if sees(privacy, role) else []

    per_user = as_user(cast[role]).get("/api/movies-lists/owner/")
    search = as_user(cast[role]).get(f"/api/movies-lists/searching/?query=secret {privacy}")

    assert (per_user.status_code, search.status_code) == (200, 200)
    assert per_user.get_json() == {"results": expected, "next_last_id": None, "count": len(expected)}
    assert search.get_json() == page(expected)


@pytest.mark.parametrize("role", ROLES)
def test_list_search_without_query_shows_exactly_the_visible_lists(as_user, scene, role):
    cast, lists, _, _ = scene
    fof_private = make_list(cast.fof, name="Fof private", privacity="R")
    fof_friends_only = make_list(cast.fof, name="Fof friends", privacity="F")

    body = as_user(cast[role]).get("/api/movies-lists/searching/?limit=100").get_json()

    expected = [lists[code].id for code in PRIVACIES if sees(code, role)]
    if role == "friend":  # a friend of fof sees fof's F list
        expected.append(fof_friends_only.id)
    if role == "fof":  # fof sees both of its own lists
        expected += [fof_private.id, fof_friends_only.id]
    assert [item["id"] for item in body["results"]] == sorted(expected)
    assert body["count"] == len(expected)


@pytest.mark.parametrize(("privacy", "role"), MATRIX)
def test_movies_in_list_search(as_user, scene, privacy, role):
    cast, lists, inside, _ = scene

    response = as_user(cast[role]).get(list_path(lists[privacy], "movies/searching/?query=inside"))

    if sees(privacy, role):
        assert response.status_code == 200
        body = response.get_json()
        assert [movie["slug"] for movie in body["results"]] == [inside.slug]
        assert body["count"] == 1
    else:
        assert response.status_code == 404
        assert response.get_json() == NOT_VISIBLE


@pytest.mark.parametrize(("privacy", "role"), MATRIX)
def test_add_and_remove_movie(as_user, scene, privacy, role):
    """Also the order of checks: the list (404 L), then the movie (generic 404), then ownership (403 L)."""
    cast, lists, inside, outside = scene
    movie_list = lists[privacy]
    movie_404 = {
        "error": "Not Found",
        "message": "The requested resource was not found.",
        "model": "Movie",
        "lookup_value": "no-such-movie",
    }
    for method in ("POST", "DELETE"):
        response = as_user(cast[role]).open(method, list_path(movie_list, "no-such-movie/"))
        expected = movie_404 if sees(privacy, role) else NOT_VISIBLE
        assert (response.status_code, response.get_json()) == (404, expected), method

    added = as_user(cast[role]).post(list_path(movie_list, f"{outside.slug}/"))
    after_add = slugs_in_db(movie_list.id)
    removed = as_user(cast[role]).delete(list_path(movie_list, f"{inside.slug}/"))
    after_remove = slugs_in_db(movie_list.id)

    if role == "owner":
        assert (added.status_code, added.get_json()["movies"]) == (200, [f"http://localhost/api/movies/{s}/" for s in after_add])
        assert after_add == [inside.slug, outside.slug]
        assert (removed.status_code, removed.get_json()) == (200, {"success": True})
        assert after_remove == [outside.slug]
        return
    status = 403 if sees(privacy, role) else 404
    for response in (added, removed):
        assert (response.status_code, response.get_json()) == (status, NOT_VISIBLE)
    assert after_add == after_remove == [inside.slug]


@pytest.mark.parametrize(("privacy", "role"), MATRIX)
def test_put_and_delete_are_owner_only(as_user, scene, privacy, role):
    cast, lists, _, _ = scene
    movie_list = lists[privacy]
    body = json.dumps({"name": f"Renamed {privacy}", "privacity": "P"})

    put = as_user(cast[role]).put(list_path(movie_list), data=body)

    if role == "owner":
        assert put.status_code == 200
        assert put.get_json()["slug"] == f"renamed-{privacy.lower()}"
        deleted = as_user(cast[role]).delete(f"/api/movies-lists/owner/renamed-{privacy.lower()}/")
        assert deleted.get_json() == {"success": True}
        assert db.session.get(MovieList, movie_list.id) is None
        return
    deleted = as_user(cast[role]).delete(list_path(movie_list))
    for response in (put, deleted):
        assert response.status_code == 404
        assert response.get_json() == NOT_VISIBLE
    db.session.expire_all()
    assert db.session.get(MovieList, movie_list.id).name == f"Secret {privacy}"


def test_unfriending_hides_friends_only_lists_at_once(as_user, scene):
    from moviesx.services.social.friends import unfriend

    cast, lists, _, _ = scene
    assert as_user(cast.friend).get(list_path(lists["F"])).status_code == 200

    unfriend(cast.owner, cast.friend)

    assert as_user(cast.friend).get(list_path(lists["F"])).get_json() == NOT_VISIBLE


def test_inactive_owner_is_the_generic_user_404_on_every_route(as_user, scene):
    cast, lists, inside, _ = scene
    cast.owner.is_active = False
    db.session.commit()
    user_404 = {
        "error": "Not Found",
        "message": "The requested resource was not found.",
        "model": "User",
        "lookup_value": "owner",
    }

    for method, suffix in [
        ("GET", ""),
        ("PUT", ""),
        ("DELETE", ""),
        ("POST", f"{inside.slug}/"),
        ("DELETE", f"{inside.slug}/"),
        ("GET", "movies/searching/"),
    ]:
        response = as_user(cast.friend).open(method, list_path(lists["P"], suffix))
        assert (response.status_code, response.get_json()) == (404, user_404), (method, suffix)
    assert as_user(cast.friend).get("/api/movies-lists/owner/").get_json() == user_404
    assert as_user(cast.friend).get("/api/movies-lists/searching/?query=secret").get_json() == page([])
