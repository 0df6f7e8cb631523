"""GET /: where a newcomer finds the API's documentation (API.md 21)."""

from __future__ import annotations

from flask import Blueprint, Flask, url_for

from moviesx.http.errors import json_response
from moviesx.http.urls import absolute

bp = Blueprint("operations", __name__)


def enabled(app: Flask) -> bool:
    return True


@bp.get("/")
def index():
    return json_response(
        {
            "name": "MoviesX API",
            "docs": absolute(url_for("api-docs.openapi_swagger_ui")),
            "schema": absolute(url_for("api-docs.openapi_json")),
        },
        200,
    )
