"""GET / and GET /metrics (API.md 21)."""

from __future__ import annotations


def test_index_points_to_the_docs_and_the_schema(client):
    for path in ("/", "/?lang=es"):
        response = client.get(path)
        assert response.status_code == 200
        assert response.get_json() == {
            "name": "MoviesX API",
            "docs": "http://localhost/api/docs/",
            "schema": "http://localhost/api/schema/",
        }
    assert client.get("/", base_url="https://api.example:8443").get_json()["docs"] == "https://api.example:8443/api/docs/"
    assert client.get(client.get("/").get_json()["schema"]).status_code == 200
