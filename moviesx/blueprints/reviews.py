"""Reviews, comments, replies and reactions."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("reviews", __name__, url_prefix="/api/reviews", description="Reviews, comments, replies and reactions")
