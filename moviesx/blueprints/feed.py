"""The personal recommendation feed."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, g
from flask_smorest import Blueprint

from moviesx.http.auth import VERIFIED, access_claims, authenticated, current_user
from moviesx.http.throttle import throttle
from moviesx.schemas.catalog import MovieSchema
from moviesx.services.feed_cache import cached_body, feed_body

blp = Blueprint("feed", __name__, url_prefix="/api/movies", description="The personal recommendation feed")


def _json(body: bytes):
    return current_app.response_class(body, mimetype=current_app.json.mimetype)


def from_feed_cache(view: Callable) -> Callable:
    """Answer from a current cached feed without the database; every other request takes the full ladder (2.2)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        claims = access_claims()
        body = cached_body(claims) if claims else None
        if body is None:
            return view(*args, **kwargs)
        g.user_id = claims["user_id"]
        throttle("user", g.user_id)
        return _json(body)

    return wrapper


@blp.route("/", methods=["GET"])
@from_feed_cache
@authenticated(VERIFIED)
@blp.response(200, MovieSchema(many=True))
def recommended_movies():
    """Plain array of at most 20 recommended movies (API.md 6.7)."""
    return _json(feed_body(current_user()))
