"""/api/schema/ teaches the API: every query parameter of the contract is declared on its operation, every
operation has a summary, a description and its security, and every tag a human name and a description."""

from __future__ import annotations

from openapi_spec_validator import validate

from tests.support import openapi
from tests.support.openapi import PUBLIC, operations

spec = openapi.spec
PAGE = ("page", "limit")
CURSOR = ("last_id", "limit")
# API.md section 5 (and 8): the query parameters of each operation.
QUERY_PARAMETERS = {
    "POST /api/auth/login/": ("lang",),
    "POST /api/auth/signup/": ("lang",),
    "GET /api/auth/forgot-password/": ("email", "lang"),
    "POST /api/auth/forgot-password/": ("lang",),
    "POST /api/oauth/google/": ("lang",),
    "GET /api/users/suggested-users/": CURSOR,
    "GET /api/users/friend-requests/": CURSOR,
    "GET /api/users/friends/": CURSOR,
    "DELETE /api/users/friends/": ("username",),
    "GET /api/users/searching/": ("search_query", "name", "is_friend", *PAGE),
    "GET /api/users/{username}/reviews/": CURSOR,
    "GET /api/users/{username}/friends/": CURSOR,
    "GET /api/movies/searching/": (
        "name",
        "genres[]",
        "platforms[]",
        "celebrities[]",
        "actors[]",
        "directors[]",
        "stars[]",
        "marked_unseen",
        "reviewed",
        *PAGE,
    ),
    "GET /api/movies/{slug}/reviews/": CURSOR,
    "GET /api/movies/{slug}/friends-ratings/": PAGE,
    "GET /api/movies-lists/": PAGE,
    "POST /api/movies-lists/": ("intelligent", "genres[]", "celebrities[]", "friends[]"),
    "GET /api/movies-lists/searching/": ("query", *PAGE),
    "GET /api/movies-lists/{username}/": CURSOR,
    "GET /api/movies-lists/{username}/{slug}/movies/searching/": ("query", *PAGE),
    "GET /api/reviews/{review_id}/comments/": CURSOR,
    "GET /api/reviews/{review_id}/comments/{comment_id}/replies/": CURSOR,
    "GET /api/persons/searching/": ("search_query", *PAGE),
    "GET /api/persons/actors/": ("name", *PAGE),
    "GET /api/persons/directors/": ("name", *PAGE),
    "GET /api/persons/actors/searching/": ("search_query", *CURSOR),
    "GET /api/persons/directors/searching/": ("search_query", *CURSOR),
    "GET /api/persons/{slug}/acted-movies/": CURSOR,
    "GET /api/persons/{slug}/directed-movies/": CURSOR,
    "GET /api/catalog/{kind}/": ("search_query", *PAGE),
}
EMOJI_CODES = [
    "LIKE", "LOVE", "LAUGH", "SAD", "FIRE", "EYES", "POOP", "SKULL",
    "CLOWN", "MIND_BLOWN", "PARTY", "THINKING", "POPCORN", "STAR", "TOP", "TRASH",
]  # fmt: skip


def query_parameters(spec, operation) -> list[str]:
    resolved = []
    for parameter in operation.get("parameters", []):
        if "$ref" in parameter:
            parameter = spec["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] == "query":
            resolved.append(parameter)
    return resolved


def test_the_document_is_valid_openapi(spec):
    validate(spec)


def test_every_query_parameter_of_the_contract_is_declared_with_a_type(spec):
    declared = dict(operations(spec))
    missing = {name for name in QUERY_PARAMETERS if name not in declared}
    assert not missing
    for name, expected in QUERY_PARAMETERS.items():
        parameters = query_parameters(spec, declared[name])
        assert sorted(p["name"] for p in parameters) == sorted(expected), name
        for parameter in parameters:
            assert parameter["schema"].get("type"), (name, parameter["name"])
            assert parameter.get("description"), (name, parameter["name"])


def test_every_operation_has_a_summary_a_description_and_its_security(spec):
    for name, operation in operations(spec):
        assert operation.get("summary"), name
        assert len(operation.get("description", "")) >= 40, name
        for shorthand in ("PP of", "CP of", "API.md"):
            assert shorthand not in operation["summary"] + operation["description"], name
        if name in PUBLIC:
            assert not operation.get("security"), name
        else:
            assert operation.get("security") == [{"bearerAuth": []}], name


def test_tags_have_human_names_and_descriptions(spec):
    used = {tag for _, operation in operations(spec) for tag in operation["tags"]}
    tags = {tag["name"]: tag for tag in spec["tags"]}
    assert used <= set(tags)
    for name in used:
        assert name[0].isupper() and "_" not in name, name
        assert tags[name].get("description"), name


def test_errors_use_the_contracts_bodies(spec):
    for name, operation in operations(spec):
        assert "default" not in operation["responses"], name
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert "$ref" in response or "content" in response, (name, status)
    assert "Error" not in spec["components"].get("schemas", {})


def test_enumerations_are_listed(spec):
    schemas = spec["components"]["schemas"]
    text = str(schemas)
    for code in EMOJI_CODES:
        assert f"'{code}'" in text
    assert "['P', 'F', 'R']" in text
    assert "['en', 'es', 'fr', 'de']" in text


def test_movie_relations_are_arrays_of_uris(spec):
    movie = spec["components"]["schemas"]["Movie"]["properties"]
    for relation in ("actors", "directors", "awards"):
        assert movie[relation]["type"] == "array"
        assert movie[relation]["items"] == {"type": "string", "format": "uri"}
