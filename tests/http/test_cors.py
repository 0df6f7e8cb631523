"""CORS for the configured origins only (API.md 1.5)."""

from __future__ import annotations

import pytest

ORIGIN = "http://localhost:5173"


def test_allowed_origin_on_errors_and_success(client):
    for path in ("/api/nope/", "/healthz"):
        response = client.get(path, headers={"Origin": ORIGIN})
        if path.startswith("/api/"):
            assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
            assert response.headers["Access-Control-Allow-Credentials"] == "true"
            assert "Origin" in response.headers["Vary"]
            exposed = {name.strip() for name in response.headers["Access-Control-Expose-Headers"].split(",")}
            assert exposed == {"Retry-After", "ETag", "Content-Disposition"}


def test_preflight(client):
    response = client.options(
        "/api/auth/login/",
        headers={
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )
    assert response.status_code == 200
    assert response.get_data() == b""
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"} <= methods
    headers = response.headers["Access-Control-Allow-Headers"].lower()
    assert "authorization" in headers and "content-type" in headers
    assert response.headers["Access-Control-Max-Age"] == "86400"
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_other_origins_get_no_cors_headers(client):
    response = client.post("/api/auth/login/", json={}, headers={"Origin": "https://evil.example"})
    assert response.status_code == 400
    assert "Access-Control-Allow-Origin" not in response.headers


def test_media_gets_cors(client):
    response = client.get("/media/users/default.png", headers={"Origin": ORIGIN})
    assert response.headers["Access-Control-Allow-Origin"] == ORIGIN


def test_request_without_origin_gets_no_cors_headers(client):
    for path in ("/api/nope/", "/media/users/default.png"):
        response = client.get(path)
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Access-Control-Allow-Credentials" not in response.headers
    response = client.options("/api/auth/login/")
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


def test_preflight_without_requested_headers_still_allows_authorization_and_content_type(client):
    for requested in (None, "content-type"):
        headers = {"Origin": ORIGIN, "Access-Control-Request-Method": "PUT"}
        if requested:
            headers["Access-Control-Request-Headers"] = requested
        response = client.options("/api/users/", headers=headers)
        assert response.status_code == 200
        allowed = {name.strip().lower() for name in response.headers["Access-Control-Allow-Headers"].split(",")}
        assert {"authorization", "content-type"} <= allowed
    response = client.options("/api/users/", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "PUT"})
    assert "Access-Control-Allow-Headers" not in response.headers


@pytest.fixture(params=[[ORIGIN], [ORIGIN, "https://app.example"]], ids=["one-origin", "two-origins"])
def origins_config(request, app_config):
    app_config["CORS_ORIGINS"] = request.param
    return app_config


def _vary(response) -> list[str]:
    return [name.strip().lower() for value in response.headers.getlist("Vary") for name in value.split(",")]


def test_vary_origin_on_every_answer_to_an_allowed_origin(origins_config, client):
    """Flask-CORS leaves Vary out when a single origin is configured; a shared cache would then serve one origin's
    answer to another (API.md 1.5)."""
    preflight = {"Origin": ORIGIN, "Access-Control-Request-Method": "POST"}
    responses = [
        client.get("/api/nope/", headers={"Origin": ORIGIN}),
        client.post("/api/auth/login/", json={}, headers={"Origin": ORIGIN}),
        client.get("/media/users/default.png", headers={"Origin": ORIGIN}),
        client.options("/api/auth/login/", headers=preflight),
    ]
    for response in responses:
        assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
        assert _vary(response).count("origin") == 1, response.headers
    other = client.get("/api/nope/", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
