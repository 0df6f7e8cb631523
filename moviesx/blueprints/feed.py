"""The personal recommendation feed."""

from __future__ import annotations

from flask import current_app
from flask_smorest import Blueprint

from moviesx.http.auth import VERIFIED, authenticated, current_user
from moviesx.schemas.catalog import MovieSchema
from moviesx.services.feed_cache import feed_body

blp = Blueprint("feed", __name__, url_prefix="/api/movies", description="The personal recommendation feed")


@blp.route("/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, MovieSchema(many=True))
def recommended_movies():
    """Plain array of at most 20 recommended movies (API.md 6.7)."""
    return current_app.response_class(feed_body(current_user()), mimetype=current_app.json.mimetype)
