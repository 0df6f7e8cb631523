"""The reference of reviews, comments, reactions and translations in /api/schema/ (API.md 4, 5.5; issue 12)."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from moviesx.models import EMOJIS

REVIEW = "/api/reviews/{review_id}/"
COMMENT = "/api/reviews/{review_id}/comments/{comment_id}/"

# Every operation of API.md 5.5 with the query parameters it declares.
OPERATIONS = {
    f"GET {REVIEW}": set(),
    f"PUT {REVIEW}": set(),
    f"DELETE {REVIEW}": set(),
    f"GET {REVIEW}translations/": set(),
    f"GET {REVIEW}reactions/": set(),
    f"POST {REVIEW}reactions/": set(),
    f"DELETE {REVIEW}reactions/{{reaction_id}}/": set(),
    f"GET {REVIEW}comments/": {"last_id", "limit"},
    f"POST {REVIEW}comments/": set(),
    f"GET {COMMENT}": set(),
    f"PUT {COMMENT}": set(),
    f"DELETE {COMMENT}": set(),
    f"GET {COMMENT}replies/": {"last_id", "limit"},
    f"POST {COMMENT}replies/": set(),
    f"GET {COMMENT}translations/": set(),
    f"GET {COMMENT}reactions/": set(),
    f"POST {COMMENT}reactions/": set(),
    f"DELETE {COMMENT}reactions/{{reaction_id}}/": set(),
}
OWNER_ONLY = {
    f"PUT {REVIEW}",
    f"DELETE {REVIEW}",
    f"DELETE {REVIEW}reactions/{{reaction_id}}/",
    f"PUT {COMMENT}",
    f"DELETE {COMMENT}",
    f"DELETE {COMMENT}reactions/{{reaction_id}}/",
}
REF = "#/components/responses/"


@pytest.fixture
def spec(client):
    document = client.get("/api/schema/").get_json()
    validate(document)
    return document


@pytest.fixture
def operations(spec):
    found = {}
    for path, item in spec["paths"].items():
        if path.startswith("/api/reviews/"):
            for method, operation in item.items():
                if method != "parameters":
                    found[f"{method.upper()} {path}"] = {**operation, "path_parameters": item.get("parameters", [])}
    return found


def test_every_operation_is_documented_with_its_texts_and_query_parameters(operations):
    assert set(operations) == set(OPERATIONS)
    for name, expected in OPERATIONS.items():
        operation = operations[name]
        assert operation["tags"] == ["Reviews, comments and reactions"], name
        assert operation["summary"] and operation["description"], name
        assert not any(word in operation["summary"] for word in ("PP", "CP", "API.md")), name
        assert operation["security"] == [{"bearerAuth": []}], name
        declared = {parameter["name"] for parameter in operation.get("parameters", []) if parameter["in"] == "query"}
        assert declared == expected, name
        for parameter in operation["path_parameters"]:
            assert parameter["schema"] == {"type": "integer", "minimum": 0}, (name, parameter)


def test_comment_pages_default_to_20(operations):
    for name in (f"GET {REVIEW}comments/", f"GET {COMMENT}replies/"):
        limit = next(parameter for parameter in operations[name]["parameters"] if parameter["name"] == "limit")
        assert limit["schema"]["default"] == 20
        assert operations[name]["responses"]["200"]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/CommentCursor"
        }


def test_statuses_are_the_contract_ones(operations):
    for name, operation in operations.items():
        responses = operation["responses"]
        method = name.split()[0]
        success = {"DELETE": "204", "POST": "201" if name.endswith(("comments/", "replies/")) else "200"}.get(method, "200")
        assert [code for code in responses if code.startswith("2")] == [success], name
        assert responses["401"] == {"$ref": REF + "UNAUTHORIZED"}, name
        assert responses["429"] == {"$ref": REF + "TOO_MANY_REQUESTS"}, name
        assert responses["404"] == {"$ref": REF + "NOT_FOUND"}, name
        assert ("403" in responses) == (name in OWNER_ONLY), name
        if name in OWNER_ONLY:
            assert responses["403"] == {"$ref": REF + "FORBIDDEN"}
        assert ("400" in responses) == (method in ("POST", "PUT")), name
        assert ("503" in responses) == name.endswith("translations/"), name
        if method == "DELETE":
            assert "content" not in responses["204"]


def test_emoji_codes_are_an_enum_explained_by_the_emoji_table(spec):
    emoji_code = spec["components"]["schemas"]["ReactionInput"]["properties"]["emoji_code"]
    assert emoji_code["type"] == "string"
    assert emoji_code["enum"] == list(EMOJIS)
    assert len(emoji_code["enum"]) == 16
    for code, char in EMOJIS.items():
        assert f"| `{code}` | {char} |" in emoji_code["description"]
    assert spec["components"]["schemas"]["ReactionInput"]["required"] == ["emoji_code"]


def test_reaction_summary_is_keyed_by_emoji_characters(spec):
    summary = spec["components"]["schemas"]["ReactionSummary"]["properties"]
    assert summary["reactions"]["additionalProperties"] == {"type": "integer", "minimum": 1}
    assert summary["your_reactions"]["additionalProperties"] == {"type": "integer"}
    assert set(summary["reactions"]["example"]) <= set(EMOJIS.values())
    assert "emoji characters" in summary["reactions"]["description"]


def test_bodies_and_objects_are_typed_with_their_limits_and_examples(spec):
    schemas = spec["components"]["schemas"]
    review_input = schemas["ReviewInput"]
    assert review_input["required"] == ["content", "is_positive", "title"]
    assert {name: (field.get("minLength"), field.get("maxLength")) for name, field in review_input["properties"].items()} == {
        "title": (1, 128),
        "content": (1, 256),
        "is_positive": (None, None),
    }
    assert schemas["CommentInput"]["properties"]["content"]["minLength"] == 1
    assert schemas["CommentInput"]["properties"]["content"]["maxLength"] == 1000
    review, comment = schemas["Review"]["properties"], schemas["Comment"]["properties"]
    for shape in (review, comment):
        assert shape["user"]["format"] == "uri"
        assert shape["created_at"]["format"] == "date-time"
        assert all("example" in field for field in shape.values())
    assert review["movie"]["format"] == "uri"
    assert (comment["reply_comment"]["format"], comment["reply_comment"]["nullable"]) == ("uri", True)
    assert comment["has_replies"]["type"] == "boolean"
    assert schemas["ReactionCreated"]["properties"]["status"]["enum"] == [True]
