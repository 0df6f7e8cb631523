"""Conditional requests on the public catalogue (API.md 20): a strong ETag and `Cache-Control: private, no-cache` on
every 200, 304 for a matching If-None-Match, after every check of the order of API.md 1.7; HEAD like GET."""

from __future__ import annotations

import pytest
from limits import parse

from moviesx.extensions import limiter
from tests.factories import AwardFactory, GenreFactory, MovieFactory, PersonFactory, PlatformFactory, UserFactory, link_movie
from tests.support.catalog import add_genre_translation, soft_delete

PATHS = ["/api/movies/heat/", "/api/persons/al-pacino/", "/api/genres/", "/api/platforms/", "/api/awards/oscar/"]
NOT_FOUND = {"error": "Not Found", "message": "The requested resource was not found."}


@pytest.fixture
def catalogue(app):
    oscar = AwardFactory(slug="oscar")
    pacino = PersonFactory(slug="al-pacino", awards=[oscar])
    crime = GenreFactory(slug="crime", name="Crime")
    movie = MovieFactory(slug="heat", title="Heat")
    link_movie(movie, genres=[crime], platforms=[PlatformFactory()], awards=[oscar], actors=[pacino])
    return {"movie": movie, "person": pacino, "genre": crime, "award": oscar}


@pytest.fixture
def user(app):
    return UserFactory()


@pytest.fixture
def staff(as_user):
    return as_user(UserFactory(is_staff=True))


def tag_of(response) -> str:
    etag = response.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"') and len(etag) > 2  # strong: no W/ prefix
    return etag


@pytest.mark.parametrize("path", PATHS)
def test_a_200_carries_a_strong_tag_that_a_304_answers(as_user, user, catalogue, path):
    first = as_user(user).get(path)
    assert first.status_code == 200 and first.headers["Cache-Control"] == "private, no-cache"
    etag = tag_of(first)
    again = as_user(user).get(path)
    assert again.headers["ETag"] == etag and again.get_data() == first.get_data()
    for header in (etag, f"W/{etag}", "*", f'"other", {etag}', f'W/"other", W/{etag}'):
        response = as_user(user).get(path, headers={"If-None-Match": header})
        assert response.status_code == 304, header
        assert response.get_data() == b""
        assert response.headers["ETag"] == etag and response.headers["Cache-Control"] == "private, no-cache"
    for header in ('"other"', etag[:-2] + '"', 'W/"other"', ""):
        response = as_user(user).get(path, headers={"If-None-Match": header})
        assert (response.status_code, response.get_data(), response.headers["ETag"]) == (200, first.get_data(), etag)


@pytest.mark.parametrize("path", PATHS)
def test_head_behaves_as_get_without_a_body(as_user, user, catalogue, path):
    etag = tag_of(as_user(user).get(path))
    head = as_user(user).open("HEAD", path)
    assert (head.status_code, head.get_data(), head.headers["ETag"]) == (200, b"", etag)
    assert head.headers["Cache-Control"] == "private, no-cache"
    conditional = as_user(user).open("HEAD", path, headers={"If-None-Match": etag})
    assert (conditional.status_code, conditional.get_data(), conditional.headers["ETag"]) == (304, b"", etag)


@pytest.mark.parametrize("path", PATHS)
def test_the_ladder_and_the_rate_limit_come_before_a_304(client, as_user, headers_for, catalogue, path):
    star = {"If-None-Match": "*"}
    assert client.get(path, headers=star).get_json() == {"error": "You need to be authenticated"}
    unverified = UserFactory(verified=False)
    response = as_user(unverified).get(path, headers=star)
    assert (response.status_code, response.get_json()) == (401, {"error": "User account is not verified"})
    user = UserFactory()
    for _ in range(2000):
        limiter.strategy.hit(parse("2000/minute"), "user", str(user.id))
    throttled = as_user(user).get(path, headers=star)
    assert throttled.status_code == 429 and "ETag" not in throttled.headers


@pytest.mark.parametrize(("path", "model", "value"), [(PATHS[0], "Movie", "heat"), (PATHS[1], "Person", "al-pacino")])
def test_a_deleted_object_is_the_generic_404_not_a_304(as_user, user, catalogue, path, model, value):
    etag = tag_of(as_user(user).get(path))
    soft_delete(catalogue[model.lower()])
    for headers in ({"If-None-Match": etag}, {"If-None-Match": "*"}, {}):
        response = as_user(user).get(path, headers=headers)
        assert response.status_code == 404 and "ETag" not in response.headers
        assert response.get_json() == {**NOT_FOUND, "model": model, "lookup_value": value}


def test_a_deleted_award_is_the_generic_404(as_user, user, catalogue):
    tag_of(as_user(user).get("/api/awards/oscar/"))
    soft_delete(catalogue["award"])
    response = as_user(user).get("/api/awards/oscar/", headers={"If-None-Match": "*"})
    assert (response.status_code, response.get_json()) == (404, {**NOT_FOUND, "model": "Award", "lookup_value": "oscar"})


def test_the_tag_follows_the_body(as_user, user, staff, catalogue):
    """A write that shows in the body, another language, another host: a new tag; identical bodies: the same tag."""
    movie = as_user(user).get("/api/movies/heat/")
    etag = tag_of(movie)
    assert staff.put("/api/catalog/genres/crime/", json={"name": "Crime drama"}).status_code == 200
    changed = as_user(user).get("/api/movies/heat/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["genres"][0]["name"] == "Crime drama"
    new_tag = tag_of(changed)
    assert new_tag != etag
    assert staff.put("/api/catalog/genres/crime/", json={"name": "Crime"}).status_code == 200
    assert tag_of(as_user(user).get("/api/movies/heat/")) == etag  # the same body again, the same tag again

    german = UserFactory(preferred_language="de")
    assert tag_of(as_user(german).get("/api/movies/heat/")) == etag  # nothing translated: an identical body
    add_genre_translation(catalogue["genre"], "de", "Krimi")
    german_body = as_user(german).get("/api/movies/heat/", headers={"If-None-Match": etag})
    assert german_body.status_code == 200 and german_body.get_json()["genres"][0]["name"] == "Krimi"
    assert as_user(user).get("/api/movies/heat/", headers={"If-None-Match": etag}).status_code == 304

    elsewhere = as_user(user).get("/api/movies/heat/", base_url="https://api.example.org", headers={"If-None-Match": etag})
    assert elsewhere.status_code == 200 and elsewhere.get_json()["awards"] == ["https://api.example.org/api/awards/oscar/"]
    assert tag_of(elsewhere) != etag


def test_an_unrelated_write_keeps_the_tag(as_user, user, staff, catalogue):
    etag = tag_of(as_user(user).get("/api/movies/heat/"))
    assert staff.post("/api/catalog/genres/", json={"name": "Western"}).status_code == 201
    assert as_user(user).get("/api/movies/heat/", headers={"If-None-Match": etag}).status_code == 304
    genres = as_user(user).get("/api/genres/")
    assert [genre["name"] for genre in genres.get_json()] == ["Crime", "Western"]


def test_cors_exposes_the_tag(as_user, user, catalogue):
    response = as_user(user).get("/api/genres/", headers={"Origin": "http://localhost:5173"})
    exposed = {name.strip().lower() for name in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert "etag" in exposed and response.headers["ETag"]


def test_the_document_declares_the_tag_the_304_and_if_none_match(client):
    spec = client.get("/api/schema/").get_json()
    not_modified = spec["components"]["responses"]["NOT_MODIFIED"]
    assert "content" not in not_modified and set(not_modified["headers"]) == {"ETag", "Cache-Control"}
    for path in ("/api/movies/{slug}/", "/api/persons/{slug}/", "/api/genres/", "/api/platforms/", "/api/awards/{slug}/"):
        operation = spec["paths"][path]["get"]
        assert operation["responses"]["304"] == {"$ref": "#/components/responses/NOT_MODIFIED"}
        assert {"ETag", "Cache-Control"} <= set(operation["responses"]["200"]["headers"])
        headers = [parameter for parameter in operation["parameters"] if parameter.get("in") == "header"]
        assert [parameter["name"] for parameter in headers] == ["If-None-Match"]
