"""Movie detail and search."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("movies", __name__, url_prefix="/api/movies", description="Movie detail and search")
