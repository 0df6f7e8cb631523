"""/api/persons/ (API.md 5.6)."""

from __future__ import annotations

from datetime import date

import pytest

from moviesx.extensions import db
from moviesx.models import Movie
from tests.factories import AwardFactory, MovieFactory, PersonFactory, UserFactory, link_movie
from tests.support.catalog import (
    add_movie_translation,
    add_person_translation,
    award_json,
    bulk_catalogue,
    movie_json,
    person_json,
    soft_delete,
)


@pytest.fixture
def user(app):
    return UserFactory()


def names(response) -> list[str]:
    return [person["name"] for person in response.get_json()["results"]]


def test_person_detail_with_awards_and_translations(as_user, user):
    gone = AwardFactory(name="Old award", slug="old-award", category="")
    award = AwardFactory(name="Best Director 2020", slug="bd-2020", category="DR", date=None)
    person = PersonFactory(name="Jane Doe", slug="jane-doe", biography="Born somewhere.", birthday=date(1970, 5, 1), gender=1)
    person.awards.extend([gone, award])
    db.session.commit()
    soft_delete(gone)
    add_person_translation(person, "fr", "Née quelque part.")
    add_person_translation(person, "es", "  ")

    response = as_user(user).get("/api/persons/jane-doe/")
    assert response.status_code == 200
    assert response.get_json() == person_json(person, awards=[award_json(award, "Best Director")])

    french = UserFactory(preferred_language="fr")
    body = as_user(french).get("/api/persons/jane-doe").get_json()
    assert body["biography"] == "Née quelque part."
    assert body["awards"][0]["category"] != ""
    spanish = UserFactory(preferred_language="es")
    assert as_user(spanish).get("/api/persons/jane-doe/").get_json()["biography"] == "Born somewhere."


def test_person_detail_empty_biography_and_404s(as_user, user):
    person = PersonFactory(slug="nobody", biography="")
    assert as_user(user).get("/api/persons/nobody/").get_json()["biography"] == ""
    soft_delete(person)
    response = as_user(user).get("/api/persons/nobody/")
    assert (response.status_code, response.get_json()) == (
        404,
        {
            "error": "Not Found",
            "message": "The requested resource was not found.",
            "model": "Person",
            "lookup_value": "nobody",
        },
    )


@pytest.fixture
def cast(app):
    """zoe acts in two movies, amy directs one; bob is credited only on a deleted movie; cid on nothing."""
    zoe = PersonFactory(name="Zoë", slug="zoe")
    amy = PersonFactory(name="amy", slug="amy-x")
    bob = PersonFactory(name="Bob", slug="bob")
    PersonFactory(name="Cid", slug="cid")
    first = MovieFactory(slug="first", title="B title", release_date=date(2020, 1, 1))
    second = MovieFactory(slug="second", title="A title", release_date=date(2020, 1, 1))
    third = MovieFactory(slug="third", title="C title", release_date=date(2010, 1, 1))
    deleted = MovieFactory(slug="deleted", release_date=date(2021, 1, 1))
    link_movie(first, actors=[zoe], directors=[amy])
    link_movie(second, actors=[zoe, amy])
    link_movie(third, actors=[zoe])
    link_movie(deleted, actors=[bob], directors=[bob, zoe])
    db.session.commit()
    soft_delete(deleted)
    return {"zoe": zoe, "amy": amy, "bob": bob}


def test_actors_and_directors_lists(as_user, user, cast):
    get = as_user(user).get
    body = get("/api/persons/actors/").get_json()
    # Code-point order: "Zoë" < "amy" because upper case sorts first.
    assert [p["slug"] for p in body["results"]] == ["zoe", "amy-x"]
    assert body["count"] == 2 and body["total_pages"] == 1
    assert names(get("/api/persons/directors/")) == ["amy"]
    assert names(get("/api/persons/actors/?name=ZO")) == ["Zoë"]
    assert names(get("/api/persons/actors/?name=%C3%8B")) == ["Zoë"]
    assert names(get("/api/persons/actors/?name=nobody")) == []
    assert get("/api/persons/actors/?limit=1&page=2").get_json() == {
        "results": [person_json(cast["amy"])],
        "count": 2,
        "total_pages": 2,
        "current_page": 2,
        "has_next": False,
        "has_previous": True,
    }


def test_person_search_includes_everyone(as_user, user, cast):
    get = as_user(user).get
    assert names(get("/api/persons/searching/")) == ["Bob", "Cid", "Zoë", "amy"]
    assert names(get("/api/persons/searching/?search_query=B")) == ["Bob"]
    assert names(get("/api/persons/searching/?search_query=x")) == []
    soft_delete(cast["bob"])
    assert names(get("/api/persons/searching/")) == ["Cid", "Zoë", "amy"]


def test_person_search_folds_non_ascii_capitals(as_user, user):
    """Unicode case folding on both databases (API.md 6.8a): upper-case `É` in a stored name is found too."""
    PersonFactory(name="Éva", slug="eva")
    PersonFactory(name="émile", slug="emile")
    PersonFactory(name="ÉLISE", slug="elise")
    get = as_user(user).get
    assert names(get("/api/persons/searching/?search_query=%C3%89")) == ["ÉLISE", "Éva", "émile"]
    assert names(get("/api/persons/searching/?search_query=%C3%A9VA")) == ["Éva"]


def test_nul_in_slug_or_search_is_404_or_empty(as_user, user, cast):
    """Never a 500 for a NUL (PostgreSQL refuses it in parameters): the generic 404 or no match."""
    get = as_user(user).get
    for path in ("/api/persons/a%00b/", "/api/persons/a%00b/acted-movies/", "/api/persons/a%00b/directed-movies/"):
        response = get(path)
        assert (response.status_code, response.get_json()) == (
            404,
            {
                "error": "Not Found",
                "message": "The requested resource was not found.",
                "model": "Person",
                "lookup_value": "a\x00b",
            },
        ), path
    assert get("/api/persons/searching/?search_query=%00").get_json()["count"] == 0
    assert get("/api/persons/actors/?name=%00").get_json()["count"] == 0
    assert get("/api/persons/directors/searching/?search_query=a%00").get_json() == {
        "results": [],
        "next_last_id": None,
        "count": 0,
    }


def test_actor_and_director_cursor_searches(as_user, user, cast):
    get = as_user(user).get
    body = get("/api/persons/actors/searching/?limit=1").get_json()
    assert body == {"results": [person_json(cast["zoe"])], "next_last_id": cast["zoe"].id, "count": 2}
    body = get(f"/api/persons/actors/searching/?limit=1&last_id={cast['zoe'].id}").get_json()
    assert body == {"results": [person_json(cast["amy"])], "next_last_id": None, "count": 2}
    assert names(get("/api/persons/actors/searching/?search_query=amy-X")) == ["amy"]
    assert names(get("/api/persons/directors/searching/?search_query=a")) == ["amy"]
    assert get("/api/persons/directors/searching/?last_id=999999").get_json() == {
        "results": [],
        "next_last_id": None,
        "count": 1,
    }


def test_acted_and_directed_movies(as_user, user, cast):
    get = as_user(user).get
    body = get("/api/persons/zoe/acted-movies/?limit=2").get_json()
    assert [m["slug"] for m in body["results"]] == ["first", "second"]
    assert body["count"] == 3 and body["next_last_id"] == body["results"][1]["id"]
    first = Movie.query.filter_by(slug="first").one()
    assert body["results"][0] == movie_json(first, actors=[cast["zoe"]], directors=[cast["amy"]])
    rest = get(f"/api/persons/zoe/acted-movies/?limit=2&last_id={body['next_last_id']}").get_json()
    assert ([m["slug"] for m in rest["results"]], rest["next_last_id"], rest["count"]) == (["third"], None, 3)
    assert [m["slug"] for m in get("/api/persons/amy-x/directed-movies/").get_json()["results"]] == ["first"]
    assert get("/api/persons/bob/acted-movies/").get_json() == {"results": [], "next_last_id": None, "count": 0}
    assert get("/api/persons/nobody/acted-movies/").status_code == 404


def test_acted_movies_in_the_callers_language(as_user, cast):
    first = Movie.query.filter_by(slug="first").one()
    add_movie_translation(first, "de", title="Erster", synopsis="Zuerst.")
    german = as_user(UserFactory(preferred_language="de"))
    body = german.get("/api/persons/amy-x/directed-movies/").get_json()
    assert body == {
        "results": [movie_json(first, title="Erster", synopsis="Zuerst.", actors=[cast["zoe"]], directors=[cast["amy"]])],
        "next_last_id": None,
        "count": 1,
    }


def test_fixed_segments_are_not_person_slugs(as_user, user):
    assert as_user(user).get("/api/persons/actors").get_json()["count"] == 0
    assert as_user(user).get("/api/persons/searching").get_json()["count"] == 0
    assert as_user(user).post("/api/persons/actors/").status_code == 405


PERSON_LIST_PATHS = [
    "/api/persons/searching/",
    "/api/persons/actors/",
    "/api/persons/directors/",
    "/api/persons/actors/searching/",
    "/api/persons/directors/searching/",
    "/api/persons/star/acted-movies/",
    "/api/persons/star/directed-movies/",
]


def test_person_lists_use_constant_queries(as_user, user, count_queries):
    bulk_catalogue(55)
    client = as_user(user)
    client.get("/api/persons/searching/")  # warm-up: the caller is loaded
    for path in PERSON_LIST_PATHS:
        counts = []
        for limit in (5, 50):
            with count_queries() as counter:
                body = client.get(f"{path}?limit={limit}").get_json()
            assert len(body["results"]) == limit, path
            counts.append(counter.count)
        assert counts[0] == counts[1], path
