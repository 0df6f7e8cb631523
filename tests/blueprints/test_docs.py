"""Swagger UI from local assets and a valid OpenAPI 3 document (API.md 9)."""

from __future__ import annotations

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
