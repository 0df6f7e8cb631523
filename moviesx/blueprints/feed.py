"""The personal recommendation feed."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("feed", __name__, url_prefix="/api/movies", description="The personal recommendation feed")
