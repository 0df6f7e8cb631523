"""Page and cursor envelopes (API.md 3.3, 3.4) on test-only routes over genres."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from moviesx.http.pagination import cursor_envelope, page_envelope
from moviesx.models import Genre, Movie
from tests.factories import GenreFactory, MovieFactory

pytestmark = pytest.mark.fresh_app


def names(rows):
    return [row.name for row in rows]


@pytest.fixture
def paged(app):
    app.add_url_rule("/api/_pages/", "pages", lambda: page_envelope(select(Genre).order_by(Genre.id), names))
    app.add_url_rule(
        "/api/_cursor/",
        "cursor",
        lambda: cursor_envelope(select(Genre), names, order=[(Genre.id, True)]),
    )
    app.add_url_rule(
        "/api/_cursor_movies/",
        "cursor_movies",
        lambda: cursor_envelope(
            select(Movie),
            lambda rows: [row.slug for row in rows],
            order=[(Movie.release_date, True), (Movie.title, True), (Movie.id, True)],
        ),
    )
    return app


def make_genres(count: int):
    return [GenreFactory(name=f"g{index:02d}", slug=f"g{index:02d}") for index in range(count)]


def test_page_defaults_and_flags(paged, client):
    make_genres(25)
    body = client.get("/api/_pages/").get_json()
    assert body == {
        "results": [f"g{i:02d}" for i in range(10)],
        "count": 25,
        "total_pages": 3,
        "current_page": 1,
        "has_next": True,
        "has_previous": False,
    }
    middle = client.get("/api/_pages/?page=2&limit=10").get_json()
    assert (middle["current_page"], middle["has_next"], middle["has_previous"]) == (2, True, True)


def test_page_past_the_end_returns_the_last_page(paged, client):
    make_genres(25)
    body = client.get("/api/_pages/?page=99&limit=10").get_json()
    assert body["current_page"] == 3
    assert body["results"] == [f"g{i:02d}" for i in range(20, 25)]
    assert (body["has_next"], body["has_previous"]) == (False, True)


@pytest.mark.parametrize("query", ["page=abc", "page=-1", "page=0", "page=1.5", "page=", "page=%EF%BC%91"])
def test_non_digit_page_takes_the_default(paged, client, query):
    make_genres(3)
    assert client.get(f"/api/_pages/?{query}").get_json()["current_page"] == 1


def test_limit_is_clamped_to_100_and_zero_means_default(paged, client):
    make_genres(120)
    assert len(client.get("/api/_pages/?limit=500").get_json()["results"]) == 100
    assert client.get("/api/_pages/?limit=500").get_json()["total_pages"] == 2
    assert len(client.get("/api/_pages/?limit=0").get_json()["results"]) == 10
    assert len(client.get("/api/_pages/?limit=x").get_json()["results"]) == 10


def test_empty_page(paged, client):
    assert client.get("/api/_pages/?page=3").get_json() == {
        "results": [],
        "count": 0,
        "total_pages": 1,
        "current_page": 1,
        "has_next": False,
        "has_previous": False,
    }


def test_cursor_walks_to_the_end(paged, client):
    genres = make_genres(5)
    first = client.get("/api/_cursor/?limit=2").get_json()
    assert first == {"results": ["g04", "g03"], "next_last_id": genres[3].id, "count": 5}
    second = client.get(f"/api/_cursor/?limit=2&last_id={first['next_last_id']}").get_json()
    assert second == {"results": ["g02", "g01"], "next_last_id": genres[1].id, "count": 5}
    last = client.get(f"/api/_cursor/?limit=2&last_id={second['next_last_id']}").get_json()
    assert last == {"results": ["g00"], "next_last_id": None, "count": 5}


def test_cursor_with_unknown_or_huge_id(paged, client):
    genres = make_genres(3)
    beyond = client.get(f"/api/_cursor/?last_id={genres[-1].id + 100}").get_json()
    assert beyond["results"] == ["g02", "g01", "g00"]
    assert client.get(f"/api/_cursor/?last_id={2**64}").get_json()["results"] == ["g02", "g01", "g00"]
    assert client.get("/api/_cursor/?last_id=abc").get_json()["results"] == ["g02", "g01", "g00"]
    assert client.get("/api/_cursor/?last_id=1").get_json() == {"results": [], "next_last_id": None, "count": 3}


def test_cursor_over_a_composite_order_uses_the_anchor_values(paged, client):
    from datetime import date

    a = MovieFactory(slug="a", title="A", release_date=date(2020, 1, 1))
    b = MovieFactory(slug="b", title="B", release_date=date(2020, 1, 1))
    c = MovieFactory(slug="c", title="C", release_date=date(2019, 1, 1))
    assert client.get("/api/_cursor_movies/").get_json()["results"] == ["b", "a", "c"]
    assert client.get(f"/api/_cursor_movies/?last_id={b.id}").get_json()["results"] == ["a", "c"]
    # the anchor keeps its sort values after leaving the filtered set
    a.delete()
    from moviesx.extensions import db

    db.session.commit()
    assert client.get(f"/api/_cursor_movies/?last_id={a.id}").get_json()["results"] == ["c"]
    assert client.get(f"/api/_cursor_movies/?last_id={c.id + 100}").get_json() == {
        "results": [],
        "next_last_id": None,
        "count": 2,
    }


def test_page_query_count_is_constant(paged, client, count_queries):
    make_genres(60)
    with count_queries() as small:
        client.get("/api/_pages/?limit=5")
    with count_queries() as large:
        client.get("/api/_pages/?limit=50")
    assert small.count == large.count
