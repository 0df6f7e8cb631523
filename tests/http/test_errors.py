"""One error path: JSON bodies for every failure, both slash forms, body size cap (API.md 1.1, 1.2, 3.1)."""

from __future__ import annotations

import pytest

UNKNOWN = {
    "error": "Not Found",
    "message": "The requested resource was not found.",
    "model": "unknown",
    "lookup_value": "unknown",
}


@pytest.mark.parametrize("path", ["/api/nope/", "/nope", "/api/auth/login/extra/", "/api/catalog/cars/"])
def test_unknown_routes_are_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/json"
    assert response.get_json() == UNKNOWN


def test_not_found_message_is_translated_with_lang_on_public_routes(client):
    # unknown routes have no language context: English
    assert client.get("/api/nope/?lang=es").get_json() == UNKNOWN


@pytest.mark.parametrize("path", ["/api/auth/login/", "/api/auth/login"])
def test_method_not_allowed_in_both_slash_forms(client, path):
    response = client.get(path)
    assert response.status_code == 405
    assert response.get_json() == {"error": "Method not allowed"}
    assert set(response.headers["Allow"].replace(" ", "").split(",")) == {"POST", "OPTIONS"}


@pytest.mark.parametrize("path", ["/api/auth/login/", "/api/auth/login"])
def test_both_slash_forms_answer_without_redirect(client, path):
    response = client.post(path, json={})
    assert response.status_code == 400


def test_options_answers_200_empty_without_auth(client):
    response = client.options("/api/auth/logout")
    assert response.status_code == 200
    assert response.get_data() == b""


def test_options_on_unknown_path_is_404(client):
    assert client.options("/api/nope/").status_code == 404


def test_head_works_where_get_does(client):
    response = client.head("/healthz")
    assert response.status_code == 200
    assert response.get_data() == b""


def test_body_over_10_mib_is_413_before_anything_else(client):
    big = b"x" * (10 * 1024 * 1024 + 1)
    for path in ("/api/auth/login/", "/api/nope/"):
        response = client.post(path, data=big, content_type="application/json")
        assert response.status_code == 413
        assert response.get_json() == {"error": "Request body too large"}


def test_multipart_text_fields_up_to_the_cap_are_accepted(client):
    response = client.post(
        "/api/auth/login/",
        data={"username": "x" * (3 * 1024 * 1024), "password": "y"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 401


@pytest.mark.fresh_app
def test_unexpected_errors_are_a_bare_500(app, client):
    def explode():
        raise RuntimeError("secret internals")

    app.add_url_rule("/api/_boom/", "boom", explode)
    response = client.get("/api/_boom/")
    assert response.status_code == 500
    assert response.get_json() == {"error": "Internal server error"}
    assert b"secret" not in response.get_data()


@pytest.mark.fresh_app
def test_json_is_utf8_with_literal_non_ascii(app, client):
    app.add_url_rule("/api/_unicode/", "unicode", lambda: {"title": "Amélie ❤️"})
    response = client.get("/api/_unicode/")
    assert response.mimetype == "application/json"
    assert "Amélie ❤️".encode() in response.get_data()


def test_unicode_and_very_long_strings_in_bodies(client):
    response = client.post("/api/auth/login/", json={"username": "é" * 100_000, "password": "\u0000"})
    assert response.status_code == 400
    assert response.get_json() == {"password": ["Not a valid string."]}
    response = client.post("/api/auth/login/", json={"username": "é" * 100_000, "password": "ünïcödé 🎬"})
    assert response.status_code == 401


def test_lone_surrogates_and_nul_are_not_strings(client):
    raw = b'{"username": "\\ud800", "password": "a\\u0000b"}'
    response = client.post("/api/auth/login/", data=raw, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"username": ["Not a valid string."], "password": ["Not a valid string."]}


def test_wrong_content_type_is_parsed_as_json(client):
    response = client.post("/api/auth/login/", data=b'{"username": "", "password": ""}', content_type="text/plain")
    assert response.status_code == 400
    assert response.get_json() == {"username": ["This field cannot be blank."], "password": ["This field cannot be blank."]}


def test_request_id_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
    assert len(client.get("/healthz").headers["X-Request-ID"]) == 32


def test_language_of_one_request_does_not_leak_into_the_next(client, headers_for):
    # The test client reuses the app context pushed by the `app` fixture, so `g` outlives a request:
    # every request must start from English and no caller.
    from tests.factories import UserFactory

    user = UserFactory(preferred_language="es")
    assert client.get("/api/users/", headers=headers_for(user)).status_code == 200
    assert client.get("/api/nope/").get_json() == UNKNOWN
    response = client.get("/api/users/", headers={"Authorization": "Bearer x"})
    assert response.get_json()["messages"][0]["message"] == "Token is invalid"
    assert client.post("/api/auth/login/", json={"username": "nobody", "password": "x"}).get_json() == {
        "detail": "No active account found with the given credentials"
    }
    assert client.get("/api/users/", headers=headers_for(user)).status_code == 200
    assert client.get("/api/nope/").get_json() == UNKNOWN


def test_a_huge_json_number_in_a_choice_field_is_named_as_sent(client, headers_for):
    from tests.factories import ReviewFactory, UserFactory

    review = ReviewFactory()
    digits = "7" * 5000
    response = client.post(
        f"/api/reviews/{review.id}/reactions/",
        headers=headers_for(UserFactory()),
        data=b'{"emoji_code": %s}' % digits.encode(),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.get_json() == {"emoji_code": [f"Value '{digits}' is not a valid choice."]}


def test_a_lone_surrogate_echoed_in_a_message_is_written_as_a_json_escape(client, headers_for):
    from tests.factories import ReviewFactory, UserFactory

    review = ReviewFactory()
    response = client.post(
        f"/api/reviews/{review.id}/reactions/",
        headers=headers_for(UserFactory()),
        data=b'{"emoji_code": "\\ud800"}',
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    assert response.get_data() == b'{"emoji_code":["Value \'\\ud800\' is not a valid choice."]}\n'
    assert response.get_json() == {"emoji_code": ["Value '\ud800' is not a valid choice."]}
