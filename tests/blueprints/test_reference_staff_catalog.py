"""/api/schema/ documents the staff catalogue routes as API.md 8 states them (issue: the API documents itself)."""

from __future__ import annotations

import pytest
from openapi_schema_validator import OAS30Validator

from tests.factories import AwardFactory, GenreFactory, PersonFactory, PlatformFactory, UserFactory

KINDS = ["genres", "platforms", "awards", "persons", "movies"]
SHAPES = ["StaffGenre", "StaffPlatform", "StaffAward", "StaffPerson", "StaffMovie"]
OPERATIONS = {
    ("get", "/api/catalog/{kind}/"): "200",
    ("post", "/api/catalog/{kind}/"): "201",
    ("get", "/api/catalog/{kind}/{slug}/"): "200",
    ("put", "/api/catalog/{kind}/{slug}/"): "200",
    ("delete", "/api/catalog/{kind}/{slug}/"): "204",
    ("post", "/api/catalog/{kind}/{slug}/restore/"): "200",
}


@pytest.fixture
def spec(client):
    return client.get("/api/schema/").get_json()


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def test_every_staff_operation_is_described_and_lists_its_statuses(spec):
    assert sorted(
        (method, path)
        for path in spec["paths"]
        if path.startswith("/api/catalog/")
        for method in spec["paths"][path]
        if method != "parameters"
    ) == sorted(OPERATIONS)
    for (method, path), success in OPERATIONS.items():
        operation = spec["paths"][path][method]
        name = f"{method.upper()} {path}"
        assert operation["summary"] and "PP" not in operation["summary"] and "API.md" not in operation["summary"], name
        assert operation["description"].startswith("Staff only."), name
        assert operation["security"] == [{"bearerAuth": []}], name
        # 404: a missing object, or a kind outside the five (an unknown route)
        errors = {"401": "UNAUTHORIZED", "403": "FORBIDDEN", "404": "NOT_FOUND", "429": "TOO_MANY_REQUESTS"}
        if method in ("post", "put") and not path.endswith("/restore/"):
            errors.update({"400": "BAD_REQUEST", "503": "SERVICE_UNAVAILABLE"})  # 503: the media storage is down
            errors["413"] = "REQUEST_ENTITY_TOO_LARGE"
        assert sorted(operation["responses"]) == sorted([success, *errors]), name
        for status, response in errors.items():
            assert operation["responses"][status] == {"$ref": f"#/components/responses/{response}"}, name
    kind = next(p for p in spec["paths"]["/api/catalog/{kind}/"]["parameters"] if p["name"] == "kind")
    assert (kind["in"], kind["schema"]) == ("path", {"type": "string", "enum": KINDS})


def test_the_list_declares_exactly_its_query_parameters(spec):
    operation = spec["paths"]["/api/catalog/{kind}/"]["get"]
    parameters = {p["name"]: (p["in"], p["schema"]["type"], p["schema"].get("default")) for p in operation["parameters"]}
    assert parameters == {
        "search_query": ("query", "string", ""),
        "page": ("query", "integer", 1),
        "limit": ("query", "integer", 10),
    }
    results = operation["responses"]["200"]["content"]["application/json"]["schema"]["properties"]["results"]
    assert results["items"] == {"oneOf": [_ref(name) for name in SHAPES]}


def test_bodies_are_documented_per_kind_in_json_and_multipart(spec):
    schemas = spec["components"]["schemas"]
    for method, path, verb in (("post", "/api/catalog/{kind}/", "Create"), ("put", "/api/catalog/{kind}/{slug}/", "Update")):
        content = spec["paths"][path][method]["requestBody"]["content"]
        assert content["application/json"]["schema"] == {"anyOf": [_ref(f"{name}{verb}") for name in SHAPES]}
        assert content["multipart/form-data"]["schema"] == {"anyOf": [_ref(f"{name}{verb}Form") for name in SHAPES]}

    # POST requires the bold keys of API.md 8; PUT is partial.
    assert schemas["StaffGenreCreate"]["required"] == ["name"]
    assert sorted(schemas["StaffMovieCreate"]["required"]) == ["release_date", "synopsis", "title"]
    assert all("required" not in schemas[f"{name}Update"] for name in SHAPES)

    genre = schemas["StaffGenreCreate"]["properties"]
    assert genre["name"]["maxLength"] == 32 and genre["slug"]["pattern"] == "^[a-z0-9_-]+$"
    assert sorted(genre["translations"]["properties"]) == ["de", "en", "es", "fr"]
    assert genre["translations"]["properties"]["es"]["properties"] == {
        "name": {"type": "string", "maxLength": 32, "nullable": True}
    }
    assert genre["translations"]["additionalProperties"] is False
    award = schemas["StaffAwardCreate"]["properties"]
    assert award["category"]["enum"] == ["BP", "BA", "BD", "IF", "MA", "WA", "SA", "SX", "DR", "DD", ""]
    assert award["date"] == {"type": "string", "format": "date", "example": "2020-02-09", "nullable": True}
    person = schemas["StaffPersonCreate"]["properties"]
    assert (person["gender"]["minimum"], person["gender"]["maximum"]) == (0, 3)
    assert person["awards"]["type"] == "array" and person["biography"]["maxLength"] == 10_000
    movie = schemas["StaffMovieCreate"]["properties"]
    assert movie["popularity"]["type"] == "number" and movie["popularity"]["minimum"] == 0
    assert movie["cover"]["enum"] == [None]

    # Multipart: lists and translations are JSON text; the image files per kind.
    files = {
        "Platform": ["image"],
        "Award": ["icon"],
        "Person": ["image"],
        "Movie": ["cover", "cover_en", "cover_es", "cover_fr", "cover_de"],
    }
    for label, keys in files.items():
        form = schemas[f"Staff{label}CreateForm"]["properties"]
        assert [key for key, field in form.items() if field.get("format") == "binary"] == keys, label
    assert "image" not in schemas["StaffGenreCreateForm"]["properties"]
    form = schemas["StaffMovieCreateForm"]["properties"]
    assert form["actors"]["type"] == "string" and form["translations"]["type"] == "string"


def test_each_staff_representation_matches_exactly_one_documented_shape(app, spec, as_user):
    """The answers are a oneOf by kind: every real answer must validate against its own shape and no other."""
    api = as_user(UserFactory(is_staff=True))
    GenreFactory(slug="drama"), PlatformFactory(slug="netflix"), AwardFactory(slug="bp-2020"), PersonFactory(slug="ann")
    bodies = {
        "genres": {"name": "Noir", "translations": {"es": {"name": "Negro"}}},
        "platforms": {"name": "Vimeo", "url": None},
        "awards": {"name": "Best Debut 2021", "category": "DD", "date": None},
        "persons": {"name": "Bob Lee", "gender": 2, "awards": ["bp-2020"], "translations": {"fr": {"biography": "Né."}}},
        "movies": {
            "title": "Dawn",
            "synopsis": "Light.",
            "release_date": "2021-01-01",
            "genres": ["drama"],
            "platforms": ["netflix"],
            "actors": ["ann"],
            "translations": {"es": {"title": "Alba"}},
        },
    }
    validators = {name: OAS30Validator({**_ref(name), "components": spec["components"]}) for name in SHAPES}
    for kind, shape in zip(KINDS, SHAPES, strict=True):
        response = api.post(f"/api/catalog/{kind}/", json=bodies[kind])
        assert response.status_code == 201, response.get_json()
        matching = [name for name, validator in validators.items() if validator.is_valid(response.get_json())]
        assert matching == [shape], (kind, response.get_json())
