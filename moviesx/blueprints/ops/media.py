"""Uploaded and default images from MEDIA_ROOT (API.md 9), when SERVE_MEDIA is on."""

from __future__ import annotations

from flask import Blueprint, Flask, send_file

from moviesx.http.errors import NotFound
from moviesx.services.media import content_type_for, resolve_media_path

bp = Blueprint("media", __name__)


def enabled(app: Flask) -> bool:
    return bool(app.config["SERVE_MEDIA"])


@bp.get("/media/<path:relative>")
def media_file(relative: str):
    path = resolve_media_path(relative)
    if path is None:
        raise NotFound()
    response = send_file(path, mimetype=content_type_for(path), max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
