"""The project parser and Blueprint (API.md 1.2, 1.3, 1.7, 3.2a, 3.2b) on test-only routes."""

from __future__ import annotations

import pytest
from flask import jsonify
from marshmallow import fields
from sqlalchemy import select

from moviesx.http.auth import authenticated
from moviesx.http.blueprint import Blueprint, permits, resolves
from moviesx.http.errors import error
from moviesx.http.lookup import get_or_404
from moviesx.http.pagination import cursor, page
from moviesx.models import Genre
from moviesx.schemas.base import InputSchema, OutputSchema, cursor_of, page_of
from moviesx.schemas.fields import JsonBoolean, Text, WholeNumber, bounded
from moviesx.schemas.query import QueryArray, QueryDigits, QueryFlag, QueryId, QueryText
from tests.factories import GenreFactory, UserFactory

pytestmark = pytest.mark.fresh_app

blp = Blueprint("parser_test", __name__)


class Body(InputSchema):
    name = Text(required=True, max_length=5)
    count = WholeNumber(validate=bounded(1))
    flag = JsonBoolean()


class Query(InputSchema):
    tags = QueryArray(data_key="tags[]")
    on = QueryFlag()
    page = QueryDigits(load_default=1)
    last_id = QueryId()
    text = QueryText()


def echo(*parsed, **path):
    return jsonify(parsed=list(parsed), path={name: str(value) for name, value in path.items()})


def genre_by_slug(slug: str) -> Genre:
    return get_or_404(Genre, Genre.slug, slug)


def only_slug_a(genre: Genre) -> None:
    if genre.slug != "a":
        raise error(403, "Not yours")


class Row(OutputSchema):
    id = fields.Integer()


@pytest.fixture
def routes(app):
    app.add_url_rule("/api/_json/", "json", blp.arguments(Body)(echo), methods=["POST"])
    app.add_url_rule("/api/_form/", "form", blp.arguments(Body, location="form")(echo), methods=["POST"])
    app.add_url_rule("/api/_query/", "query", blp.arguments(Query, location="query")(echo))
    guarded = authenticated()(resolves(genre=genre_by_slug)(permits(only_slug_a)(blp.arguments(Body)(echo))))
    app.add_url_rule("/api/_genres/<slug>/", "guarded", guarded, methods=["PUT"])
    paged = blp.response(200, page_of(Row))(page()(lambda: select(Genre).order_by(Genre.id)))
    app.add_url_rule("/api/_page/", "page", paged)
    app.add_url_rule("/api/_plain_page/", "plain_page", page(default_limit=2)(lambda: ["x", "y", "z"]))
    app.add_url_rule(
        "/api/_cursor/", "cursor", blp.response(200, cursor_of(Row))(cursor(order=[(Genre.id, True)])(lambda: select(Genre)))
    )
    return app


@pytest.mark.parametrize("body", [b"", b"{", b"[]", b"null", b'"x"', b"\xff"])
def test_json_body_that_is_not_an_object(routes, client, body):
    response = client.post("/api/_json/", data=body, content_type="application/json")
    assert (response.status_code, response.get_json()) == (400, {"error": "Invalid JSON body"})


def test_json_is_decoded_whatever_the_content_type(routes, client):
    for content_type in ("text/plain", "application/x-www-form-urlencoded", None):
        response = client.post("/api/_json/", data=b'{"name": "abc", "extra": 1}', content_type=content_type)
        assert response.get_json() == {"parsed": [{"name": "abc"}], "path": {}}, content_type


def test_json_missing_required_key_is_the_whole_body_error(routes, client):
    response = client.post("/api/_json/", json={"count": "x"})
    assert (response.status_code, response.get_json()) == (400, {"error": "Missing required fields"})


def test_json_field_errors_are_the_contract_dict(routes, client):
    response = client.post("/api/_json/", json={"name": None, "count": 0, "flag": "true"})
    assert response.status_code == 400
    assert response.get_json() == {
        "name": ["This field cannot be null."],
        "count": ["Ensure this value is greater than or equal to 1."],
        "flag": ["Must be a valid boolean."],
    }
    assert client.post("/api/_json/", json={"name": "toolong"}).get_json() == {
        "name": ["Ensure this value has at most 5 characters (it has 7)."]
    }


def test_form_bodies_report_missing_fields_per_field(routes, client):
    assert client.post("/api/_form/", data={"count": "3"}).get_json() == {"name": ["This field is required."]}
    response = client.post("/api/_form/", data={"name": "ab", "flag": "1"}, content_type="multipart/form-data")
    assert response.get_json() == {"parsed": [{"name": "ab", "flag": True}], "path": {}}
    assert client.post("/api/_form/", data={"name": "ab", "flag": "true"}).get_json()["parsed"] == [{"name": "ab", "flag": True}]


def test_form_capable_json_body(routes, client):
    assert client.post("/api/_form/", data=b"").get_json() == {"name": ["This field is required."]}
    assert client.post("/api/_form/", json={"name": None}).get_json() == {"name": ["This field is required."]}
    assert client.post("/api/_form/", json={"name": "ab", "flag": "true"}).get_json() == {"flag": ["Must be a valid boolean."]}
    for body in (b"{", b"[1]"):
        response = client.post("/api/_form/", data=body, content_type="application/json")
        assert (response.status_code, response.get_json()) == (400, {"error": "Invalid JSON body"})


def test_query_parameters_follow_the_contract(routes, client):
    query = "tags[]=b&tags=a&tags[]=&tags=b&on=TRUE&page=007&last_id=5&text=hi&unknown=1"
    assert client.get(f"/api/_query/?{query}").get_json()["parsed"] == [
        {"tags": ["b", "a"], "on": True, "page": 7, "last_id": 5, "text": "hi"}
    ]
    absent = "on=yes&page=1.5&last_id=" + str(2**63) + "&text=" + "w" * 300
    assert client.get(f"/api/_query/?{absent}").get_json()["parsed"] == [{"tags": [], "on": False, "page": 1, "text": "w" * 200}]
    many = "&".join(f"tags={index}" for index in range(60))
    assert client.get(f"/api/_query/?{many}").get_json()["parsed"][0]["tags"] == [str(index) for index in range(50)]
    assert client.get(f"/api/_query/?last_id={2**63 - 1}").get_json()["parsed"][0]["last_id"] == 2**63 - 1


def test_path_objects_and_permission_come_before_the_body(routes, client, headers_for):
    user = UserFactory()
    GenreFactory(slug="a", name="A")
    GenreFactory(slug="b", name="B")
    headers = headers_for(user)
    assert client.put("/api/_genres/a/", data=b"{", headers={}).status_code == 401
    missing = client.put("/api/_genres/zz/", data=b"{", headers=headers)
    assert (missing.status_code, missing.get_json()["model"], missing.get_json()["lookup_value"]) == (404, "Genre", "zz")
    forbidden = client.put("/api/_genres/b/", data=b"{", headers=headers)
    assert (forbidden.status_code, forbidden.get_json()) == (403, {"error": "Not yours"})
    invalid = client.put("/api/_genres/a/", data=b"{", headers=headers)
    assert (invalid.status_code, invalid.get_json()) == (400, {"error": "Invalid JSON body"})
    ok = client.put("/api/_genres/a/", json={"name": "x"}, headers=headers)
    assert ok.get_json()["parsed"] == [{"name": "x"}]


def test_page_and_cursor_build_the_envelopes_from_what_the_view_returns(routes, client, count_queries):
    genres = [GenreFactory(slug=f"g{index}", name=f"g{index}") for index in range(3)]
    body = client.get("/api/_page/?limit=2&page=2").get_json()
    assert (body["results"], body["count"], body["total_pages"], body["current_page"]) == ([{"id": genres[2].id}], 3, 2, 2)
    assert client.get("/api/_plain_page/?page=x").get_json() == {
        "results": ["x", "y"],
        "count": 3,
        "total_pages": 2,
        "current_page": 1,
        "has_next": True,
        "has_previous": False,
    }
    first = client.get("/api/_cursor/?limit=2").get_json()
    assert first == {"results": [{"id": genres[2].id}, {"id": genres[1].id}], "next_last_id": genres[1].id, "count": 3}
    with count_queries() as small:
        client.get("/api/_page/?limit=1")
    with count_queries() as large:
        client.get("/api/_page/?limit=3")
    assert small.count == large.count
