"""Movie lists."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("lists", __name__, url_prefix="/api/movies-lists", description="Movie lists")
