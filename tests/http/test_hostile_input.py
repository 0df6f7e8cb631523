"""A NUL in a path or query value names no object (API.md 3.2b): every route gives its own answer for an
unknown value, on SQLite and on PostgreSQL (which refuses NUL in a parameter), never a 500."""

from __future__ import annotations

import json

import pytest

from moviesx.extensions import db
from moviesx.models import MovieList
from tests.factories import GenreFactory, MovieFactory, PersonFactory, UserFactory, make_friends
from tests.support.lists import NOT_VISIBLE, make_list, page

LIST_BODY = json.dumps({"name": "Renamed", "privacity": "P"})
SMART_LIST = json.dumps({"name": "Smart", "privacity": "P"})


def not_found(model: str, value: str) -> dict:
    return {"error": "Not Found", "message": "The requested resource was not found.", "model": model, "lookup_value": value}


@pytest.fixture
def owner(app):
    owner = UserFactory(username="owner")
    make_friends(owner, UserFactory(username="pal"))
    MovieFactory(slug="dune")
    make_list(owner, name="Mine", slug="mine")
    return owner


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/movies-lists/owner/a%00b/"),
        ("PUT", "/api/movies-lists/owner/a%00b/"),
        ("DELETE", "/api/movies-lists/owner/a%00b/"),
        ("POST", "/api/movies-lists/owner/a%00b/dune/"),
        ("DELETE", "/api/movies-lists/owner/a%00b/dune/"),
        ("GET", "/api/movies-lists/owner/a%00b/movies/searching/"),
        ("GET", "/api/movies-lists/owner/%00/"),
    ],
)
def test_nul_in_a_list_slug_is_the_privacy_404(as_user, owner, method, path):
    response = as_user(owner).open(method, path, data=LIST_BODY)

    assert (response.status_code, response.get_json()) == (404, NOT_VISIBLE)
    assert db.session.scalar(db.select(MovieList.name)) == "Mine"


@pytest.mark.parametrize(
    ("method", "path", "model"),
    [
        ("GET", "/api/persons/a%00b/", "Person"),
        ("GET", "/api/awards/a%00b/", "Award"),
    ],
)
def test_nul_in_a_catalogue_slug_is_the_generic_404_quoting_the_value(as_user, owner, method, path, model):
    response = as_user(owner).open(method, path)

    assert (response.status_code, response.get_json()) == (404, not_found(model, "a\x00b"))


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("genres[]=a%00b", "Genre `a\x00b` does not exist"),
        ("genres=drama&genres[]=%00", "Genre `\x00` does not exist"),
        ("celebrities[]=a%00b", "Celebrity `a\x00b` does not exist"),
        ("celebrities=jane&celebrities=x%00", "Celebrity `x\x00` does not exist"),
        ("friends[]=a%00b", "Friend `a\x00b` is not in your list"),
        ("friends=pal&friends[]=pal%00", "Friend `pal\x00` is not in your list"),
    ],
)
def test_nul_in_intelligent_list_criteria_is_an_unknown_value(as_user, owner, query, message):
    GenreFactory(slug="drama")
    PersonFactory(slug="jane")

    response = as_user(owner).post(f"/api/movies-lists/?intelligent=true&{query}", data=SMART_LIST)

    assert (response.status_code, response.get_json()) == (400, {"error": message})
    assert db.session.scalar(db.select(db.func.count()).select_from(MovieList)) == 1


@pytest.mark.parametrize("username", ["a%00", "%00", "pal%00"])
def test_nul_in_the_unfriend_username_is_user_not_found(as_user, owner, username):
    response = as_user(owner).delete(f"/api/users/friends/?username={username}")

    assert (response.status_code, response.get_json()) == (404, {"status": "User not found"})


def test_nul_in_movie_search_filters_matches_nothing(as_user, owner):
    for name in ("genres", "platforms", "celebrities", "actors", "directors"):
        response = as_user(owner).get(f"/api/movies/searching/?{name}[]=a%00")
        assert (response.status_code, response.get_json()) == (200, page([])), name


@pytest.mark.parametrize(
    "path",
    [
        "/api/movies-lists/searching/?query=M%00",
        "/api/movies-lists/owner/mine/movies/searching/?query=d%00",
        "/api/users/searching/?search_query=o%00",
        "/api/movies/searching/?name=d%00",
        "/api/persons/searching/?search_query=%00",
    ],
)
def test_nul_in_a_search_text_matches_nothing(as_user, owner, path):
    response = as_user(owner).get(path)

    assert (response.status_code, response.get_json()["results"]) == (200, [])


def test_one_rule_reads_query_values(app):
    from moviesx.http.params import Nameless, arg_list, arg_str

    with app.test_request_context("/?q=a%00b&x[]=c%00&x=d"):
        value = arg_str("q")
        values = arg_list("x")
    assert isinstance(value, Nameless) and str(value) == "a\x00b" and f"`{value}`" == "`a\x00b`"
    assert "\x00" not in value  # what a query binds: PostgreSQL refuses NUL in a parameter
    assert [str(item) for item in values] == ["c\x00", "d"]
    with app.test_request_context("/?q=plain"):
        assert type(arg_str("q")) is str
