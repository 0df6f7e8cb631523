"""CORS for the configured origins only (API.md 1.5)."""

from __future__ import annotations

ORIGIN = "http://localhost:5173"


def test_allowed_origin_on_errors_and_success(client):
    for path in ("/api/nope/", "/healthz"):
        response = client.get(path, headers={"Origin": ORIGIN})
        if path.startswith("/api/"):
            assert response.headers["Access-Control-Allow-Origin"] == ORIGIN
            assert response.headers["Access-Control-Allow-Credentials"] == "true"
            assert "Origin" in response.headers["Vary"]
            assert "Retry-After" in response.headers["Access-Control-Expose-Headers"]


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
