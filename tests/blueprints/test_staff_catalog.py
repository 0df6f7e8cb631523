"""Staff catalogue management under /api/catalog/<kind>/ (API.md 8)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from moviesx import models
from tests.factories import AwardFactory, GenreFactory, MovieFactory, PersonFactory, PlatformFactory, UserFactory
from tests.support.catalog import bulk_catalogue, png_bytes, soft_delete

NOT_AN_IMAGE = "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
KINDS = ["genres", "platforms", "awards", "persons", "movies"]


@pytest.fixture
def staff(app):
    return UserFactory(is_staff=True)


@pytest.fixture
def api(as_user, staff):
    return as_user(staff)


def media_files(app) -> list[str]:
    root = Path(app.config["MEDIA_ROOT"])
    defaults = {"users/default.png", "movies/covers/no-movie.png", "person/default.png", "awards/no-award.png"}
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and str(p.relative_to(root)) not in defaults)


def not_found(model: str, value: str) -> dict:
    return {
        "error": "Not Found",
        "message": "The requested resource was not found.",
        "model": model,
        "lookup_value": value,
    }


# --- access --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_non_staff_gets_403_and_anonymous_401(client, as_user, kind):
    user = UserFactory()
    assert as_user(user).get(f"/api/catalog/{kind}/").get_json() == {"error": "Staff only"}
    assert as_user(user).post(f"/api/catalog/{kind}/", json={}).status_code == 403
    assert as_user(user).delete(f"/api/catalog/{kind}/x/").status_code == 403
    assert client.get(f"/api/catalog/{kind}/").status_code == 401


def test_unknown_kind_is_an_unknown_route_before_auth(client, api):
    for response in (client.get("/api/catalog/users/"), api.post("/api/catalog/reviews/x/", json={})):
        assert (response.status_code, response.get_json()) == (404, not_found("unknown", "unknown"))


# --- genres --------------------------------------------------------------------------------------------------


def test_genre_create_read_update_delete_restore(api, client):
    response = api.post(
        "/api/catalog/genres/",
        json={"name": "Science Fiction", "translations": {"es": {"name": "Ciencia ficción"}, "de": {"name": "SF"}}},
    )
    assert response.status_code == 201
    genre = models.Genre.query.one()
    expected = {
        "id": genre.id,
        "name": "Science Fiction",
        "slug": "science-fiction",
        "translations": {"de": {"name": "SF"}, "es": {"name": "Ciencia ficción"}},
    }
    assert response.get_json() == expected
    assert api.get("/api/catalog/genres/science-fiction/").get_json() == expected

    response = api.put(
        "/api/catalog/genres/science-fiction/",
        json={"slug": "sci-fi", "translations": {"de": None, "fr": {"name": "SF fr"}, "es": {"name": "CF"}}},
    )
    assert response.status_code == 200
    assert response.get_json() == {
        "id": genre.id,
        "name": "Science Fiction",
        "slug": "sci-fi",
        "translations": {"es": {"name": "CF"}, "fr": {"name": "SF fr"}},
    }
    assert api.get("/api/catalog/genres/science-fiction/").get_json() == not_found("Genre", "science-fiction")

    response = api.delete("/api/catalog/genres/sci-fi/")
    assert (response.status_code, response.data) == (204, b"")
    assert api.get("/api/catalog/genres/sci-fi/").status_code == 404
    assert api.get("/api/genres/").get_json() == []
    assert api.get("/api/catalog/genres/").get_json()["count"] == 0
    assert api.delete("/api/catalog/genres/sci-fi/").get_json() == not_found("Genre", "sci-fi")

    # The slug and the name stay taken while deleted.
    response = api.post("/api/catalog/genres/", json={"name": "Science Fiction", "slug": "sci-fi"})
    assert response.get_json() == {
        "slug": ["Genre with this slug already exists."],
        "name": ["Genre with this name already exists."],
    }
    response = api.post("/api/catalog/genres/sci-fi/restore/")
    assert (response.status_code, response.get_json()["slug"]) == (200, "sci-fi")
    assert [g["slug"] for g in api.get("/api/genres/").get_json()] == ["sci-fi"]
    assert api.post("/api/catalog/genres/sci-fi/restore/").get_json() == not_found("Genre", "sci-fi")
    assert api.post("/api/catalog/genres/nope/restore").get_json() == not_found("Genre", "nope")


def test_genre_validation_messages(api):
    GenreFactory(name="Drama", slug="drama")
    cases = [
        ({}, {"name": ["This field is required."]}),
        ({"name": None}, {"name": ["This field cannot be null."]}),
        ({"name": "  "}, {"name": ["This field cannot be blank."]}),
        ({"name": 3}, {"name": ["Not a valid string."]}),
        ({"name": "x" * 33}, {"name": ["Ensure this value has at most 32 characters (it has 33)."]}),
        ({"name": "!!!"}, {"name": ["Enter a name that contains at least one letter or number."]}),
        ({"name": "Drama"}, {"slug": ["Genre with this slug already exists."], "name": ["Genre with this name already exists."]}),
        ({"name": "Other", "slug": "drama"}, {"slug": ["Genre with this slug already exists."]}),
        (
            {"name": "Other", "slug": "Bad Slug"},
            {"slug": ["Enter a valid \u201cslug\u201d consisting of letters, numbers, underscores or hyphens."]},
        ),
        ({"name": "Other", "translations": {"xx": {"name": "a"}}}, {"translations": ["Value 'xx' is not a valid choice."]}),
        ({"name": "Other", "translations": []}, {"translations": ["Not a valid mapping type."]}),
        (
            {"name": "Other", "translations": {"es": {"name": "y" * 40}}},
            {"translations": ["Ensure this value has at most 32 characters (it has 40)."]},
        ),
    ]
    for body, expected in cases:
        response = api.post("/api/catalog/genres/", json=body)
        assert (response.status_code, response.get_json()) == (400, expected), body
    assert models.Genre.query.count() == 1
    assert api.post("/api/catalog/genres/", data="nope", content_type="application/json").get_json() == {
        "error": "Invalid JSON body"
    }


def test_json_body_is_read_whatever_the_content_type(api):
    """Staff bodies are JSON or multipart (API.md 8); anything but multipart is decoded as JSON (API.md 1.2)."""
    for index, content_type in enumerate(("application/x-www-form-urlencoded", "text/plain", "application/json")):
        response = api.post("/api/catalog/genres/", data=json.dumps({"name": f"Genre {index}"}), content_type=content_type)
        assert (response.status_code, response.get_json()["slug"]) == (201, f"genre-{index}"), content_type
    response = api.post("/api/catalog/genres/", data="name=Drama", content_type="application/x-www-form-urlencoded")
    assert (response.status_code, response.get_json()) == (400, {"error": "Invalid JSON body"})


def test_nul_in_slug_or_search_is_404_or_empty(api):
    GenreFactory(name="Drama", slug="drama")
    for method in ("get", "put", "delete"):
        response = getattr(api, method)("/api/catalog/genres/a%00b/", json={})
        assert (response.status_code, response.get_json()) == (404, not_found("Genre", "a\x00b")), method
    assert api.post("/api/catalog/genres/a%00b/restore/").get_json() == not_found("Genre", "a\x00b")
    assert api.get("/api/catalog/genres/?search_query=dr%00").get_json()["count"] == 0


def test_genre_list_search_and_pagination(api):
    for name in ("Drama", "Melodrama", "Comedy"):
        GenreFactory(name=name, slug=name.lower())
    body = api.get("/api/catalog/genres/?search_query=DRAM").get_json()
    assert [g["slug"] for g in body["results"]] == ["drama", "melodrama"]
    assert api.get("/api/catalog/genres/?search_query=comed").get_json()["count"] == 1
    body = api.get("/api/catalog/genres/?limit=2&page=2").get_json()
    assert (body["count"], body["total_pages"], body["current_page"], [g["slug"] for g in body["results"]]) == (
        3,
        2,
        2,
        ["comedy"],
    )


# --- platforms and awards: images --------------------------------------------------------------------------


def test_platform_multipart_with_logo_and_reset(api, app):
    response = api.post(
        "/api/catalog/platforms/",
        data={"name": "Netflix", "url": "https://www.netflix.com", "image": (io.BytesIO(png_bytes()), "logo.gif")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    platform = models.Platform.query.one()
    assert platform.image.startswith("platforms/netflix_") and platform.image.endswith(".png")
    assert body == {
        "id": platform.id,
        "name": "Netflix",
        "slug": "netflix",
        "url": "https://www.netflix.com",
        "image": f"http://localhost/media/{platform.image}",
    }
    assert media_files(app) == [platform.image]
    assert api.get(f"/media/{platform.image}").data == png_bytes()

    response = api.put("/api/catalog/platforms/netflix/", json={"image": None, "url": None})
    assert response.get_json()["image"] is None and response.get_json()["url"] is None
    assert media_files(app) == []


def test_platform_url_rules(api):
    assert api.post("/api/catalog/platforms/", json={"name": "X", "url": "ftp://x"}).get_json() == {"url": ["Enter a valid URL."]}
    long_url = "https://example.com/" + "a" * 200
    assert api.post("/api/catalog/platforms/", json={"name": "X", "url": long_url}).get_json() == {
        "url": [f"Ensure this value has at most 200 characters (it has {len(long_url)})."]
    }


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"plain text, not an image", NOT_AN_IMAGE),
        (png_bytes()[:40], NOT_AN_IMAGE),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * (5 * 1024 * 1024 + 10), "The image must not exceed 5 MB."),
    ],
    ids=["non-image", "truncated", "oversized"],
)
def test_bad_uploads_give_400_and_store_nothing(api, app, payload, message):
    response = api.post(
        "/api/catalog/awards/",
        data={"name": "Best Picture 2020", "category": "BP", "icon": (io.BytesIO(payload), "icon.png")},
        content_type="multipart/form-data",
    )
    assert (response.status_code, response.get_json()) == (400, {"icon": [message]})
    assert models.Award.query.count() == 0
    assert media_files(app) == []


def test_wrong_extension_is_ignored_and_format_detected(api, app):
    response = api.post(
        "/api/catalog/awards/",
        data={"name": "Best Picture 2020", "category": "BP", "date": "", "icon": (io.BytesIO(png_bytes(fmt="JPEG")), "icon.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201
    award = models.Award.query.one()
    assert award.icon.endswith(".jpg")
    assert response.get_json() == {
        "id": award.id,
        "name": "Best Picture 2020",
        "slug": "best-picture-2020",
        "category": "BP",
        "category_label": "Best Picture",
        "date": None,
        "icon": f"http://localhost/media/{award.icon}",
    }
    assert media_files(app) == [award.icon]


def test_failed_write_keeps_previous_image_and_stores_nothing(api, app):
    api.post(
        "/api/catalog/awards/",
        data={"name": "A", "icon": (io.BytesIO(png_bytes()), "a.png")},
        content_type="multipart/form-data",
    )
    before = media_files(app)
    response = api.put(
        "/api/catalog/awards/a/",
        data={"category": "ZZ", "icon": (io.BytesIO(png_bytes(colour="blue")), "b.png")},
        content_type="multipart/form-data",
    )
    assert response.get_json() == {"category": ["Value 'ZZ' is not a valid choice."]}
    assert media_files(app) == before


def test_award_fields(api):
    response = api.post("/api/catalog/awards/", json={"name": "Special", "category": "", "date": "2020-02-30"})
    assert response.get_json() == {"date": ["Enter a valid date in YYYY-MM-DD format."]}
    response = api.post("/api/catalog/awards/", json={"name": "Special", "category": "", "date": "2020-02-09"})
    assert response.status_code == 201
    assert response.get_json()["category_label"] == ""
    assert api.get("/api/awards/special/").get_json()["category"] == ""


# --- persons and movies --------------------------------------------------------------------------------------


def test_person_create_with_relations_and_translations(api, as_user):
    AwardFactory(name="Best Actor 2020", slug="ba-2020", category="MA")
    response = api.post(
        "/api/catalog/persons/",
        data={
            "name": "Jane Doe",
            "biography": "Born.",
            "birthday": "1970-05-01",
            "deathday": "",
            "gender": "1",
            "awards": json.dumps(["ba-2020"]),
            "translations": json.dumps({"de": {"biography": "Geboren."}}),
            "image": (io.BytesIO(png_bytes()), "jane.webp"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    person = models.Person.query.one()
    assert person.image.startswith("person/jane-doe_")
    assert response.get_json() == {
        "id": person.id,
        "name": "Jane Doe",
        "slug": "jane-doe",
        "biography": "Born.",
        "birthday": "1970-05-01",
        "deathday": None,
        "gender": 1,
        "image": f"http://localhost/media/{person.image}",
        "awards": ["ba-2020"],
        "translations": {"de": {"biography": "Geboren."}},
    }
    german = as_user(UserFactory(preferred_language="de"))
    public = german.get("/api/persons/jane-doe/").get_json()
    assert (public["biography"], public["awards"][0]["slug"]) == ("Geboren.", "ba-2020")
    assert public["image"] == f"http://localhost/media/{person.image}"


def test_person_errors(api):
    PersonFactory(name="Jane", slug="jane")
    cases = [
        ({"name": "Jane"}, {"slug": ["Person with this slug already exists."]}),
        ({"name": "Other", "slug": "actors"}, {"slug": ["This slug is reserved."]}),
        ({"name": "Searching"}, {"slug": ["This slug is reserved."]}),
        ({"name": "X", "gender": 4}, {"gender": ["Ensure this value is less than or equal to 3."]}),
        ({"name": "X", "gender": True}, {"gender": ["A valid integer is required."]}),
        ({"name": "X", "awards": ["nope"]}, {"awards": ["Object with slug 'nope' does not exist."]}),
        ({"name": "X", "awards": "nope"}, {"awards": ["Expected a list of items."]}),
        (
            {"name": "X", "biography": "b" * 10_001},
            {"biography": ["Ensure this value has at most 10000 characters (it has 10001)."]},
        ),
    ]
    for body, expected in cases:
        assert api.post("/api/catalog/persons/", json=body).get_json() == expected, body
    # Persons may share a name when their slugs differ.
    assert api.post("/api/catalog/persons/", json={"name": "Jane", "slug": "jane-2"}).status_code == 201


def test_movie_full_lifecycle(api, app, as_user):
    drama, comedy = GenreFactory(slug="drama"), GenreFactory(slug="comedy")
    netflix = PlatformFactory(slug="netflix")
    award = AwardFactory(slug="bp-2020")
    PersonFactory(slug="ann"), PersonFactory(slug="bob")
    response = api.post(
        "/api/catalog/movies/",
        json={
            "title": "The Long Night",
            "synopsis": "Dark.",
            "release_date": "2019-10-04",
            "popularity": 37.5,
            "genres": ["drama", "comedy"],
            "platforms": ["netflix"],
            "awards": ["bp-2020"],
            "actors": ["bob", "ann"],
            "directors": ["ann"],
            "translations": {"es": {"title": "La larga noche", "synopsis": "Oscura."}},
        },
    )
    assert response.status_code == 201, response.get_json()
    movie = models.Movie.query.one()
    expected = {
        "id": movie.id,
        "title": "The Long Night",
        "slug": "the-long-night",
        "synopsis": "Dark.",
        "release_date": "2019-10-04",
        "popularity": 37.5,
        "cover": None,
        "genres": ["drama", "comedy"],
        "platforms": ["netflix"],
        "awards": ["bp-2020"],
        "actors": ["bob", "ann"],
        "directors": ["ann"],
        "translations": {"es": {"title": "La larga noche", "synopsis": "Oscura.", "cover": None}},
    }
    assert response.get_json() == expected

    # The public detail shows the billing order and, for a Spanish reader, the translation.
    public = as_user(UserFactory(preferred_language="es")).get("/api/movies/the-long-night/").get_json()
    assert public["actors"] == ["http://localhost/api/persons/bob/", "http://localhost/api/persons/ann/"]
    assert (public["title"], public["synopsis"]) == ("La larga noche", "Oscura.")
    assert [g["id"] for g in public["genres"]] == sorted([drama.id, comedy.id])
    assert [p["id"] for p in public["platforms"]] == [netflix.id]
    assert public["awards"] == [f"http://localhost/api/awards/{award.slug}/"]

    # Multipart PUT: a cover, a Spanish cover, reordered actors; other keys unchanged.
    response = api.put(
        "/api/catalog/movies/the-long-night/",
        data={
            "actors": json.dumps(["ann", "bob"]),
            "cover": (io.BytesIO(png_bytes()), "c.png"),
            "cover_es": (io.BytesIO(png_bytes(colour="blue")), "c.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["actors"] == ["ann", "bob"]
    assert body["genres"] == ["drama", "comedy"]
    assert body["cover"].startswith("http://localhost/media/movies/covers/the-long-night_")
    assert body["translations"]["es"]["cover"].startswith("http://localhost/media/movies/translations/covers/the-long-night_")
    assert body["translations"]["es"]["title"] == "La larga noche"
    assert len(media_files(app)) == 2

    # JSON null resets the cover; an empty relation list empties it.
    body = api.put("/api/catalog/movies/the-long-night/", json={"cover": None, "genres": [], "cover_es": None}).get_json()
    assert (body["cover"], body["genres"], body["translations"]["es"]["cover"]) == (None, [], None)
    assert media_files(app) == []


def test_movie_errors(api):
    MovieFactory(slug="taken")
    base = {"title": "T", "synopsis": "S", "release_date": "2020-01-01"}
    cases = [
        (
            {},
            {
                "title": ["This field is required."],
                "synopsis": ["This field is required."],
                "release_date": ["This field is required."],
            },
        ),
        ({**base, "slug": "taken"}, {"slug": ["Movie with this slug already exists."]}),
        ({**base, "title": "Searching"}, {"slug": ["This slug is reserved."]}),
        ({**base, "popularity": -1}, {"popularity": ["Ensure this value is greater than or equal to 0."]}),
        ({**base, "popularity": "NaN"}, {"popularity": ["A valid number is required."]}),
        # An integer too large for a float is not a number (never a 500).
        ({**base, "popularity": 10**400}, {"popularity": ["A valid number is required."]}),
        (
            {**base, "actors": ["ghost"], "genres": ["nope"]},
            {"actors": ["Object with slug 'ghost' does not exist."], "genres": ["Object with slug 'nope' does not exist."]},
        ),
        (
            {**base, "translations": {"es": {"title": "t" * 256}}},
            {"translations": ["Ensure this value has at most 255 characters (it has 256)."]},
        ),
    ]
    for body, expected in cases:
        assert api.post("/api/catalog/movies/", json=body).get_json() == expected, body
    assert models.Movie.query.count() == 1


def test_soft_deleted_relations_vanish_from_nested_arrays(api):
    PersonFactory(slug="ann")
    GenreFactory(slug="drama")
    api.post(
        "/api/catalog/movies/",
        json={"title": "M", "synopsis": "S", "release_date": "2020-01-01", "actors": ["ann"], "genres": ["drama"]},
    )
    assert api.delete("/api/catalog/persons/ann/").status_code == 204
    assert api.delete("/api/catalog/genres/drama/").status_code == 204
    assert api.get("/api/catalog/movies/m/").get_json()["actors"] == []
    public = api.get("/api/movies/m/").get_json()
    assert (public["actors"], public["genres"]) == ([], [])
    assert api.get("/api/persons/actors/").get_json()["count"] == 0
    # A deleted person cannot be credited again.
    assert api.put("/api/catalog/movies/m/", json={"actors": ["ann"]}).get_json() == {
        "actors": ["Object with slug 'ann' does not exist."]
    }


def test_staff_lists_use_constant_queries(api, count_queries):
    bulk_catalogue(55)
    api.get("/api/catalog/genres/")  # warm-up: the caller is loaded
    for kind in KINDS:
        counts = []
        for limit in (5, 50):
            with count_queries() as counter:
                body = api.get(f"/api/catalog/{kind}/?limit={limit}").get_json()
            assert len(body["results"]) == limit, kind
            counts.append(counter.count)
        assert counts[0] == counts[1], kind


def test_soft_deleted_rows_404_everywhere(api):
    movie = MovieFactory(slug="m")
    soft_delete(movie)
    assert api.get("/api/catalog/movies/m/").get_json() == not_found("Movie", "m")
    assert api.put("/api/catalog/movies/m/", json={"title": "x"}).get_json() == not_found("Movie", "m")
    assert api.get("/api/movies/m/").status_code == 404
    assert api.get("/api/movies/searching/").get_json()["count"] == 0
