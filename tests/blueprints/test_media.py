"""/media/ serving: defaults installed at start-up, traversal refused, nosniff (API.md 7.5, 9)."""

from __future__ import annotations

import pytest

UNKNOWN = {
    "error": "Not Found",
    "message": "The requested resource was not found.",
    "model": "unknown",
    "lookup_value": "unknown",
}


@pytest.mark.parametrize("path", ["users/default.png", "movies/covers/no-movie.png", "person/default.png", "awards/no-award.png"])
def test_default_images_are_served(client, path):
    response = client.get(f"/media/{path}")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    "path",
    ["../secret_key", "..%2Fsecret_key", "%2e%2e/secret_key", "users/../../secret_key", "/etc/passwd", "nope.png", "users/"],
)
def test_traversal_and_missing_files_are_404(client, path):
    response = client.get(f"/media/{path}")
    assert response.status_code == 404
    assert response.get_json() == UNKNOWN


@pytest.fixture
def no_media_config(app_config):
    app_config["SERVE_MEDIA"] = False
    return app_config


def test_serve_media_off(no_media_config, client):
    assert client.get("/media/users/default.png").get_json() == UNKNOWN
