"""Swagger UI from local assets and a valid OpenAPI 3 document (API.md 9)."""

from __future__ import annotations

import base64
import hashlib
import re

from openapi_spec_validator import validate


def test_swagger_ui_references_only_local_assets(client):
    for path in ("/api/docs/", "/api/docs"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.mimetype == "text/html"
    html = client.get("/api/docs/").get_data(as_text=True)
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources, html
    assert all(source.startswith("/api/docs/assets/") for source in sources), sources
    assert "http://" not in html and "https://" not in html
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200, source
        assert len(asset.get_data()) > 1000


def test_swagger_ui_policy_allows_its_own_scripts_only_and_no_framing(client):
    """Checked in a headless Chromium as well: the page renders every operation with no policy violation."""
    for method in ("GET", "HEAD"):
        response = client.open("/api/docs/", method=method)
        policy = {
            directive.split()[0]: directive.split()[1:]
            for directive in response.headers["Content-Security-Policy"].split(";")
            if directive.strip()
        }
        assert policy["frame-ancestors"] == ["'none'"]
        assert policy["default-src"] == ["'none'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["connect-src"] == ["'self'"]
    html = client.get("/api/docs/").get_data(as_text=True)
    inline = re.findall(r"<script>(.*?)</script>", html, re.DOTALL)
    assert len(inline) == 1
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    assert policy["script-src"] == ["'self'", f"'sha256-{digest}'"]
    assert "Content-Security-Policy" not in client.get("/api/schema/").headers


def test_assets_outside_the_bundle_are_404(client):
    assert client.get("/api/docs/assets/index.html").status_code == 404
    assert client.get("/api/docs/assets/../secret_key").status_code == 404


def test_schema_is_a_valid_openapi_document_with_bearer_security(client):
    for path in ("/api/schema/", "/api/schema"):
        assert client.get(path).status_code == 200
    spec = client.get("/api/schema/").get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"}
    assert "/api/auth/login/" in spec["paths"]
    login = spec["paths"]["/api/auth/login/"]["post"]
    assert "application/json" in login["requestBody"]["content"]


JSON_BODY_TAGS = {"users", "movie_social", "reviews"}


BLUEPRINT_OF_TAG = {
    "Users and friends": "users",
    "Your ratings and a movie's reviews": "movie_social",
    "Reviews, comments and reactions": "reviews",
    "Movie lists": "lists",
    "Persons": "persons",
}


def _blueprints(operation: dict) -> set[str]:
    """The blueprint identifiers behind an operation's tags (tags are the blueprints' human titles)."""
    return {BLUEPRINT_OF_TAG.get(tag, tag) for tag in operation.get("tags", [])}


def _operations(spec):
    for path, item in spec["paths"].items():
        if path.startswith("/api/"):
            for method, operation in item.items():
                if method in {"get", "put", "post", "patch", "delete"}:
                    yield f"{method.upper()} {path}", operation


def _json_schema(operation):
    """The schema of the first non-204 2xx response, None when it has no JSON body, "-" when there is none."""
    successes = sorted(code for code in operation["responses"] if code.startswith("2"))
    bodies = [code for code in successes if code != "204"]
    if not bodies:
        return "-" if not successes else "204"
    return operation["responses"][bodies[0]].get("content", {}).get("application/json", {}).get("schema")


def test_every_documented_success_response_has_a_json_schema(client):
    spec = client.get("/api/schema/").get_json()
    validate(spec)
    operations = dict(_operations(spec))
    assert [name for name, operation in operations.items() if _json_schema(operation) is None] == []
    for name, operation in operations.items():
        if _json_schema(operation) == "204":
            assert "content" not in operation["responses"]["204"], name
    assert [name for name, operation in operations.items() if _json_schema(operation) == "-"] == []
    social = [name for name, operation in operations.items() if JSON_BODY_TAGS & _blueprints(operation)]
    assert len(social) >= 38


def test_catalogue_routes_document_their_envelopes(client):
    operations = dict(_operations(client.get("/api/schema/").get_json()))
    assert _json_schema(operations["GET /api/movies/searching/"]) == {"$ref": "#/components/schemas/MoviePage"}
    assert _json_schema(operations["GET /api/persons/actors/searching/"]) == {"$ref": "#/components/schemas/PersonCursor"}
    staff = _json_schema(operations["GET /api/catalog/{kind}/{slug}/"])
    assert len(staff["oneOf"]) == 5
    assert _json_schema(operations["DELETE /api/catalog/{kind}/{slug}/"]) == "204"


def test_social_routes_document_the_shapes_they_return(client):
    spec = client.get("/api/schema/").get_json()
    operations = dict(_operations(spec))
    components = spec["components"]["schemas"]

    def ref(name):
        schema = _json_schema(operations[name])
        return schema["$ref"].removeprefix("#/components/schemas/") if "$ref" in schema else schema

    expected = {
        "GET /api/users/suggested-users/": "UserCursor",
        "GET /api/users/friend-requests/": "FriendRequestCursor",
        "GET /api/users/friends/": "UserCursor",
        "DELETE /api/users/friends/": "StatusMessage",
        "GET /api/users/searching/": "UserPage",
        "GET /api/users/{username}/reviews/": "ReviewCursor",
        "GET /api/users/{username}/friends/": "UserCursor",
        "POST /api/users/{username}/friend-requests/": "StatusMessage",
        "DELETE /api/users/{username}/friend-requests/": "StatusMessage",
        "GET /api/users/{username}/translations/": "BioTranslation",
        "GET /api/movies/{slug}/reviews/": "ReviewCursor",
        "POST /api/movies/{slug}/unseen/": "Success",
        "DELETE /api/movies/{slug}/unseen/": "Success",
        "GET /api/movies/{slug}/friends-ratings/": "RatingPage",
        "GET /api/movies/{slug}/movie-lists/": {"type": "array", "items": {"type": "string"}},
        "GET /api/reviews/{review_id}/translations/": "ReviewTranslation",
        "GET /api/reviews/{review_id}/reactions/": "ReactionSummary",
        "POST /api/reviews/{review_id}/reactions/": "ReactionCreated",
        "GET /api/reviews/{review_id}/comments/": "CommentCursor",
        "POST /api/reviews/{review_id}/comments/": "Comment",
        "GET /api/reviews/{review_id}/comments/{comment_id}/": "Comment",
        "PUT /api/reviews/{review_id}/comments/{comment_id}/": "Comment",
        "GET /api/reviews/{review_id}/comments/{comment_id}/replies/": "CommentCursor",
        "POST /api/reviews/{review_id}/comments/{comment_id}/replies/": "Comment",
        "GET /api/reviews/{review_id}/comments/{comment_id}/translations/": "CommentTranslation",
        "GET /api/reviews/{review_id}/comments/{comment_id}/reactions/": "ReactionSummary",
        "POST /api/reviews/{review_id}/comments/{comment_id}/reactions/": "ReactionCreated",
    }
    assert {name: ref(name) for name in expected} == expected
    assert "201" in operations["POST /api/reviews/{review_id}/comments/"]["responses"]
    assert set(components["UserPage"]["properties"]) == {
        "results",
        "count",
        "total_pages",
        "current_page",
        "has_next",
        "has_previous",
    }
    assert components["UserCursor"]["properties"]["results"]["items"] == {"$ref": "#/components/schemas/User"}
    assert set(components["CommentCursor"]["properties"]) == {"results", "next_last_id", "count"}
    assert set(components["ReactionSummary"]["properties"]) == {"reactions", "your_reactions"}
    assert set(components["Comment"]["properties"]) == {
        "id",
        "user",
        "content",
        "created_at",
        "reply_comment",
        "has_replies",
    }


CONVERTED_QUERY_PARAMETERS = {
    "POST /api/movies-lists/": {"intelligent", "genres[]", "celebrities[]", "friends[]"},
    "GET /api/movies-lists/": {"page", "limit"},
    "GET /api/movies-lists/searching/": {"query", "page", "limit"},
    "GET /api/movies-lists/{username}/": {"last_id", "limit"},
    "GET /api/movies-lists/{username}/{slug}/movies/searching/": {"query", "page", "limit"},
    "GET /api/persons/searching/": {"search_query", "page", "limit"},
    "GET /api/persons/actors/": {"name", "page", "limit"},
    "GET /api/persons/directors/": {"name", "page", "limit"},
    "GET /api/persons/actors/searching/": {"search_query", "last_id", "limit"},
    "GET /api/persons/directors/searching/": {"search_query", "last_id", "limit"},
    "GET /api/persons/{slug}/acted-movies/": {"last_id", "limit"},
    "GET /api/persons/{slug}/directed-movies/": {"last_id", "limit"},
    "GET /api/movies/{slug}/reviews/": {"last_id", "limit"},
    "GET /api/movies/{slug}/friends-ratings/": {"page", "limit"},
}


def test_converted_operations_declare_their_query_parameters_and_texts(client):
    spec = client.get("/api/schema/").get_json()
    validate(spec)
    operations = dict(_operations(spec))
    declared = {
        name: {parameter["name"] for parameter in operations[name].get("parameters", []) if parameter["in"] == "query"}
        for name in CONVERTED_QUERY_PARAMETERS
    }
    assert declared == CONVERTED_QUERY_PARAMETERS
    genres = next(p for p in operations["POST /api/movies-lists/"]["parameters"] if p["name"] == "genres[]")
    assert genres["schema"]["type"] == "array"
    intelligent = next(p for p in operations["POST /api/movies-lists/"]["parameters"] if p["name"] == "intelligent")
    assert intelligent["schema"] == {"type": "boolean", "default": False}
    assert spec["components"]["schemas"]["MovieListInput"]["properties"]["privacity"]["enum"] == ["P", "F", "R"]
    assert spec["components"]["schemas"]["RatingInput"]["properties"]["rating"] == {"type": "integer", "minimum": 1, "maximum": 5}
    converted = [name for name, operation in operations.items() if _blueprints(operation) & {"lists", "persons", "movie_social"}]
    assert len(converted) == 27
    assert [name for name in converted if not operations[name].get("summary") or not operations[name].get("description")] == []


def test_errors_are_documented_with_the_real_bodies(client):
    spec = client.get("/api/schema/").get_json()
    operations = dict(_operations(spec))
    responses = spec["components"]["responses"]
    schemas = spec["components"]["schemas"]
    assert "Error" not in schemas
    assert all("default" not in operation["responses"] for operation in operations.values())
    assert set(schemas["NotFound"]["properties"]) == {"error", "message", "model", "lookup_value"}
    assert responses["TOO_MANY_REQUESTS"]["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    assert responses["UNAUTHORIZED"]["content"]["application/json"]["schema"] == {
        "anyOf": [{"$ref": "#/components/schemas/ErrorMessage"}, {"$ref": "#/components/schemas/TokenNotValid"}]
    }

    def refs(name):
        return {status: response.get("$ref", "").rsplit("/", 1)[-1] for status, response in operations[name]["responses"].items()}

    assert refs("PUT /api/movies/{slug}/ratings/") == {
        "200": "",
        "400": "BAD_REQUEST",
        "401": "UNAUTHORIZED",
        "404": "NOT_FOUND_OR_ERROR",
        "413": "REQUEST_ENTITY_TOO_LARGE",
        "429": "TOO_MANY_REQUESTS",
    }
    assert refs("GET /api/persons/searching/") == {"200": "", "401": "UNAUTHORIZED", "429": "TOO_MANY_REQUESTS"}
    assert refs("POST /api/movies-lists/{username}/{slug}/{movie_slug}/")["403"] == "FORBIDDEN"
    assert refs("GET /api/persons/{slug}/")["404"] == "NOT_FOUND"
