"""/api/schema/ documents the accounts and authentication operations as API.md 5.1 states them."""

from __future__ import annotations

from tests.factories import UserFactory
from tests.support import openapi
from tests.support.openapi import PUBLIC, operation, operations

spec = openapi.spec

LANGUAGES = ["en", "es", "fr", "de"]
QUERY_PARAMETERS = {
    "POST /api/auth/login/": {"lang"},
    "POST /api/auth/refresh/": set(),
    "POST /api/auth/logout/": set(),
    "POST /api/auth/signup/": {"lang"},
    "POST /api/auth/verify/": set(),
    "POST /api/auth/resend-verification-email/": set(),
    "GET /api/auth/forgot-password/": {"email", "lang"},
    "POST /api/auth/forgot-password/": {"lang"},
    "POST /api/oauth/google/": {"lang"},
    "POST /api/users/onboarding/": set(),
    "GET /api/users/preferred-language/": set(),
    "POST /api/users/preferred-language/": set(),
    "GET /api/users/": set(),
    "PUT /api/users/": set(),
}
FORM_CAPABLE = [
    "POST /api/auth/login/",
    "POST /api/auth/refresh/",
    "POST /api/auth/logout/",
    "POST /api/auth/signup/",
    "PUT /api/users/",
]


def resolve(spec, node):
    while "$ref" in node:
        kind, name = node["$ref"].split("/")[-2:]
        node = spec["components"][kind][name]
    return node


def response_schema(spec, name, status):
    return resolve(spec, operation(spec, name)["responses"][status])["content"]["application/json"]["schema"]


def test_every_operation_declares_exactly_the_query_parameters_of_the_contract(spec):
    declared = {
        name: {parameter["name"] for parameter in operation(spec, name).get("parameters", []) if parameter["in"] == "query"}
        for name in QUERY_PARAMETERS
    }
    assert declared == QUERY_PARAMETERS
    accounts = {name for name, op in operations(spec) if set(op["tags"]) & {"Authentication", "Google login", "Your account"}}
    assert accounts == set(QUERY_PARAMETERS)


def test_lang_lists_the_languages_and_email_is_required(spec):
    for name, parameters in QUERY_PARAMETERS.items():
        if "lang" in parameters:
            lang = next(p for p in operation(spec, name)["parameters"] if p["name"] == "lang")
            assert lang["schema"]["enum"] == LANGUAGES, name
            assert lang["schema"]["default"] == "en"
            assert not lang["required"]
    email = next(p for p in operation(spec, "GET /api/auth/forgot-password/")["parameters"] if p["name"] == "email")
    assert email["required"] is True
    assert email["schema"]["type"] == "string"


def test_every_operation_has_a_summary_a_description_and_its_security(spec):
    for name in QUERY_PARAMETERS:
        op = operation(spec, name)
        assert op.get("summary") and op.get("description"), name
        assert op.get("security") == (None if name in PUBLIC else [{"bearerAuth": []}]), name
        if name in PUBLIC:
            assert op["responses"]["429"], name
        else:
            assert op["responses"]["401"]["$ref"].endswith("/UNAUTHORIZED"), name


def test_form_capable_bodies_have_three_content_types_and_a_binary_picture(spec):
    for name in FORM_CAPABLE:
        content = operation(spec, name)["requestBody"]["content"]
        assert set(content) == {"application/json", "application/x-www-form-urlencoded", "multipart/form-data"}, name
    for name in ("POST /api/auth/signup/", "PUT /api/users/"):
        body = resolve(spec, operation(spec, name)["requestBody"]["content"]["multipart/form-data"]["schema"])
        assert body["properties"]["picture"]["format"] == "binary"
    signup = spec["components"]["schemas"]["Signup"]
    assert set(signup["required"]) == {"username", "email", "first_name", "last_name", "password"}
    assert signup["properties"]["username"]["maxLength"] == 150
    assert signup["properties"]["bio"]["maxLength"] == 1000
    assert signup["properties"]["password"]["maxLength"] == 128
    profile = spec["components"]["schemas"]["ProfileUpdate"]
    assert "required" not in profile
    assert profile["properties"]["platforms"]["maxItems"] == 100
    assert profile["properties"]["following_persons"]["maxItems"] == 1000
    assert operation(spec, "POST /api/auth/verify/")["requestBody"]["content"].keys() == {"application/json"}
    language = spec["components"]["schemas"]["PreferredLanguageInput"]["properties"]["preferred_language"]
    assert language["enum"] == LANGUAGES
    self_user = spec["components"]["schemas"]["SelfUser"]["properties"]
    assert self_user["following_persons"]["items"] == {"type": "string", "format": "uri"}
    assert self_user["preferred_language"]["enum"] == LANGUAGES
    assert self_user["bio"]["nullable"] is True


def test_specific_errors_are_documented_with_their_bodies(spec):
    for name in ("POST /api/auth/login/", "POST /api/auth/refresh/", "POST /api/auth/logout/", "POST /api/oauth/google/"):
        assert response_schema(spec, name, "401") == {"$ref": "#/components/schemas/TokenRefused"}, name
    assert spec["components"]["schemas"]["TokenRefused"]["required"] == ["detail"]
    for name in ("POST /api/auth/resend-verification-email/", "GET /api/auth/forgot-password/"):
        response = operation(spec, name)["responses"]["429"]
        assert {"$ref": "#/components/schemas/ErrorMessage"} in response["content"]["application/json"]["schema"]["anyOf"]
        assert response["headers"]["Retry-After"]["schema"] == {"type": "integer"}
    for name in ("POST /api/auth/signup/", "PUT /api/users/", "POST /api/auth/forgot-password/"):
        assert {"$ref": "#/components/schemas/PasswordRules"} in response_schema(spec, name, "400")["anyOf"], name
    google = operation(spec, "POST /api/oauth/google/")["responses"]["503"]["content"]["application/json"]
    assert google["examples"]["not_configured"]["value"] == {"error": "Google login is not configured"}
    assert "400" in operation(spec, "GET /api/auth/forgot-password/")["responses"]
    assert set(operation(spec, "GET /api/users/")["responses"]) == {"200", "401", "429"}


def test_signup_lists_failing_fields_in_body_order(client):
    UserFactory(username="taken", email="taken@example.com")
    response = client.post(
        "/api/auth/signup/",
        json={"username": "taken", "email": "taken@example.com", "last_name": "x" * 151, "password": "p", "bio": "b" * 1001},
    )
    assert response.status_code == 400
    assert list(response.get_json()) == ["username", "email", "first_name", "last_name", "bio"]


def test_profile_lists_failing_fields_in_body_order(as_user):
    UserFactory(username="other", email="other@example.com")
    me = UserFactory(username="mine", email="mine@example.com")
    response = as_user(me).put(
        "/api/users/", json={"username": "OTHER", "first_name": "   ", "email": "Other@Example.com", "platforms": ["x"]}
    )
    assert response.status_code == 400
    assert list(response.get_json()) == ["username", "first_name", "email", "platforms"]
