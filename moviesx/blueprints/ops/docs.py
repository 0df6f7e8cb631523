"""Swagger UI assets served locally (no CDN): flask-smorest's page at /api/docs/ loads them from here, under a
Content-Security-Policy that lets it load nothing else and be framed by no one."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, Flask, Response, request, send_from_directory

from moviesx.http.errors import NotFound

bp = Blueprint("docs_assets", __name__)
ASSETS = ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css", "favicon-32x32.png", "favicon-16x16.png")
SWAGGER_UI_ENDPOINT = "api-docs.openapi_swagger_ui"
INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)


def enabled(app: Flask) -> bool:
    return True


def _assets_dir() -> Path:
    return Path(swagger_ui_bundle.swagger_ui_path)


@bp.get("/api/docs/assets/<path:filename>")
def asset(filename: str):
    if filename not in ASSETS:
        raise NotFound()
    return send_from_directory(_assets_dir(), filename, max_age=86400)


@bp.after_app_request
def _swagger_ui_policy(response: Response) -> Response:
    if request.endpoint == SWAGGER_UI_ENDPOINT:
        response.headers["Content-Security-Policy"] = swagger_ui_policy(response.get_data(as_text=True))
    return response


def swagger_ui_policy(page: str) -> str:
    """Same-origin assets, the schema and the API only; the page's own inline script is allowed by its hash (the
    template belongs to flask-smorest, so the hash is taken from the page as rendered)."""
    hashes = " ".join(f"'sha256-{_digest(script)}'" for script in INLINE_SCRIPT.findall(page))
    return (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _digest(script: str) -> str:
    return base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
