"""Swagger UI assets served locally (no CDN): flask-smorest's page at /api/docs/ loads them from here."""

from __future__ import annotations

from pathlib import Path

import swagger_ui_bundle
from flask import Blueprint, Flask, send_from_directory

from moviesx.http.errors import NotFound

bp = Blueprint("docs_assets", __name__)
ASSETS = ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css", "favicon-32x32.png", "favicon-16x16.png")


def enabled(app: Flask) -> bool:
    return True


def _assets_dir() -> Path:
    return Path(swagger_ui_bundle.swagger_ui_path)


@bp.get("/api/docs/assets/<path:filename>")
def asset(filename: str):
    if filename not in ASSETS:
        raise NotFound()
    return send_from_directory(_assets_dir(), filename, max_age=86400)
