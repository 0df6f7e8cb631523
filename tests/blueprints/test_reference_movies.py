"""/api/schema/ documents the movie search, movie detail, feed and public catalogue as API.md 5.3 and 5.7 state them
(issue 12): the query parameters, texts, errors and typed, exemplified objects, and real answers that conform."""

from __future__ import annotations

from datetime import date

import pytest
from openapi_schema_validator import OAS30Validator

from moviesx.extensions import db
from tests.factories import (
    AwardFactory,
    GenreFactory,
    MovieFactory,
    PersonFactory,
    PlatformFactory,
    UserFactory,
    link_movie,
)
from tests.support.conformance import conformance_of

# Query values are never refused (cut, ignored or dropped), so no limits appear as schema keywords.
ARRAY = {"type": "array", "items": {"type": "string"}}
STARS = {**ARRAY, "items": {**ARRAY["items"], "enum": ["1", "2", "3", "4", "5"]}}
FLAG = {"type": "boolean", "default": False}
SEARCH_PARAMETERS = {
    "name": {"type": "string", "default": "", "example": "storm"},
    "genres[]": ARRAY,
    "platforms[]": ARRAY,
    "celebrities[]": ARRAY,
    "actors[]": ARRAY,
    "directors[]": ARRAY,
    "stars[]": STARS,
    "marked_unseen": FLAG,
    "reviewed": FLAG,
    "page": {"type": "integer", "default": 1},
    "limit": {"type": "integer", "default": 10},
}
OPERATIONS = {
    ("/api/movies/searching/", "get"): ({"200", "401", "429"}, "MoviePage"),
    ("/api/movies/{slug}/", "get"): ({"200", "304", "401", "404", "429"}, "Movie"),
    ("/api/movies/", "get"): ({"200", "401", "429"}, "Movie[]"),
    ("/api/genres/", "get"): ({"200", "304", "401", "429"}, "Genre[]"),
    ("/api/platforms/", "get"): ({"200", "304", "401", "429"}, "Platform[]"),
    ("/api/awards/{slug}/", "get"): ({"200", "304", "401", "404", "429"}, "Award"),
}
URL_ARRAY = {"type": "array", "items": {"type": "string", "format": "uri"}}


@pytest.fixture
def spec(client):
    return client.get("/api/schema/").get_json()


def _operation(spec, path, method):
    return spec["paths"][path][method]


def _ref_name(schema: dict) -> str:
    if schema.get("type") == "array":
        return _ref_name(schema["items"]) + "[]"
    return schema["$ref"].rsplit("/", 1)[-1]


def test_movie_search_declares_every_filter_of_the_contract(spec):
    parameters = _operation(spec, "/api/movies/searching/", "get")["parameters"]
    assert {parameter["name"]: parameter["schema"] for parameter in parameters} == SEARCH_PARAMETERS
    assert all(parameter["in"] == "query" and not parameter["required"] for parameter in parameters)
    assert all(parameter.get("description") for parameter in parameters)
    for path, method in OPERATIONS:
        if path != "/api/movies/searching/":
            assert [p for p in _operation(spec, path, method).get("parameters", []) if p["in"] == "query"] == []


def test_operations_have_plain_texts_bodies_errors_and_bearer_security(spec):
    for (path, method), (statuses, body) in OPERATIONS.items():
        operation = _operation(spec, path, method)
        assert operation["summary"] and operation["description"].startswith("Any verified user."), path
        assert not any(jargon in operation["summary"] + operation["description"] for jargon in ("API.md", "PP ", "CP "))
        assert operation["security"] == [{"bearerAuth": []}]
        assert set(operation["responses"]) == statuses, path
        assert _ref_name(operation["responses"]["200"]["content"]["application/json"]["schema"]) == body
        errors = {
            status: response["$ref"].rsplit("/", 1)[-1] for status, response in operation["responses"].items() if status != "200"
        }
        assert errors == {
            status: name
            for status, name in {
                "304": "NOT_MODIFIED",
                "401": "UNAUTHORIZED",
                "404": "NOT_FOUND",
                "429": "TOO_MANY_REQUESTS",
            }.items()
            if status in statuses
        }
    descriptions = {tag["name"]: tag.get("description", "") for tag in spec["tags"]}
    tags = {tag for path, method in OPERATIONS for tag in _operation(spec, path, method)["tags"]}
    assert len(tags) == 3 and all(len(descriptions[tag]) > 80 for tag in tags)


def test_catalogue_objects_are_typed_as_the_contract_states(spec):
    schemas = spec["components"]["schemas"]
    movie = schemas["Movie"]["properties"]
    for relation in ("awards", "actors", "directors"):
        assert {key: movie[relation][key] for key in ("type", "items")} == URL_ARRAY
    assert movie["genres"]["items"] == {"$ref": "#/components/schemas/Genre"}
    assert movie["platforms"]["items"] == {"$ref": "#/components/schemas/Platform"}
    assert movie["cover"]["format"] == "uri" and not movie["cover"].get("nullable")
    assert movie["release_date"]["format"] == "date"
    person = schemas["Person"]["properties"]
    assert person["gender"]["enum"] == [0, 1, 2, 3]
    assert person["gender"]["description"] == "0 unknown, 1 female, 2 male, 3 non-binary."
    assert person["awards"]["items"] == {"$ref": "#/components/schemas/Award"}
    assert all(person[day]["nullable"] and person[day]["format"] == "date" for day in ("birthday", "deathday"))
    platform = schemas["Platform"]["properties"]
    assert platform["url"]["nullable"] and platform["image"]["nullable"] and platform["image"]["format"] == "uri"
    award = schemas["Award"]["properties"]
    assert "Best Supporting Actress" in award["category"]["description"]
    assert award["icon"]["format"] == "uri" and award["date"]["nullable"]
    for name in ("Genre", "Platform", "Award", "Movie", "Person"):
        for key, prop in schemas[name]["properties"].items():
            assert prop.get("type") in {"integer", "string", "array"}, (name, key)


def _example(spec: dict, name: str) -> dict:
    """The object Swagger UI shows for a component: each property's example, nested objects built the same way."""
    example = {}
    for key, prop in spec["components"]["schemas"][name]["properties"].items():
        if "example" in prop:
            example[key] = prop["example"]
        else:
            example[key] = [_example(spec, _ref_name(prop["items"]))]
    return example


def test_every_catalogue_object_has_a_complete_and_valid_example(spec):
    for name in ("Genre", "Platform", "Award", "Movie", "Person"):
        example = _example(spec, name)
        validator = OAS30Validator({"$ref": f"#/components/schemas/{name}", "components": spec["components"]})
        assert list(validator.iter_errors(example)) == [], name
    assert _example(spec, "Movie")["title"] == "Parasite"


def _conforms(app, response) -> None:
    request = response.request
    body = response.get_json(silent=True) if response.is_json else response.get_data()
    conformance_of(app).check(request.method, request.path, response.status_code, body, response.content_type or "")


def test_real_answers_conform_to_the_reference(app, client, as_user, headers_for):
    user = UserFactory()
    genre, platform = GenreFactory(slug="drama"), PlatformFactory(slug="hbo", url=None, image=None)
    award = AwardFactory(slug="best-picture", category="", date=None)
    actor = PersonFactory(slug="ann", gender=3, image=None, birthday=date(1970, 1, 2))
    storm = MovieFactory(title="Storm", slug="storm", release_date=date(2020, 1, 2))
    MovieFactory(title="Calm", slug="calm", release_date=date(2019, 1, 2))
    link_movie(storm, genres=[genre], platforms=[platform], awards=[award], actors=[actor], directors=[actor])
    actor.awards.append(award)
    db.session.commit()
    caller = as_user(user)
    answers = [
        caller.get("/api/movies/searching/?name=storm&genres[]=drama&platforms=hbo&celebrities[]=ann&actors[]=ann"),
        caller.get("/api/movies/searching/?directors[]=ann&stars[]=6&marked_unseen=TRUE&reviewed=true&page=x&limit=1"),
        caller.get("/api/movies/storm/"),
        caller.get("/api/movies/gone/"),
        caller.get("/api/movies/"),
        caller.get("/api/movies/"),  # from the feed cache
        caller.get("/api/genres/"),
        caller.get("/api/platforms/"),
        caller.get("/api/awards/best-picture/"),
        caller.get("/api/awards/gone/"),
        caller.get("/api/persons/ann/"),
        client.get("/api/genres/"),
        client.get("/api/awards/best-picture/", headers={"Authorization": "Bearer nope"}),
        as_user(UserFactory(verified=False)).get("/api/movies/searching/"),
    ]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 404, 200, 200, 200, 200, 200, 404, 200, 401, 401, 401]
    assert answers[0].get_json()["count"] == 1 and answers[1].get_json()["count"] == 0
    person = answers[10].get_json()
    assert person["gender"] == 3 and person["deathday"] is None and person["awards"][0]["category"] == ""
    for answer in answers:
        _conforms(app, answer)


def test_an_unknown_parameter_is_ignored_while_the_documented_name_searches(as_user):
    """`?q=storm` is not a filter (unknown parameters are ignored, API.md 1.3); `name` is, and it is documented."""
    caller = as_user(UserFactory())
    MovieFactory(title="Storm", slug="storm", release_date=date(2020, 1, 2))
    MovieFactory(title="Calm", slug="calm", release_date=date(2019, 1, 2))

    def slugs(query: str) -> list[str]:
        return [movie["slug"] for movie in caller.get(f"/api/movies/searching/?{query}").get_json()["results"]]

    assert slugs("q=storm") == ["storm", "calm"]
    assert slugs("name=storm") == ["storm"]
