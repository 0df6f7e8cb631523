"""The personal recommendation feed (API.md 5.3, 6.7)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, g

from moviesx.http.auth import VERIFIED, access_claims, authenticated, current_user
from moviesx.http.blueprint import Blueprint
from moviesx.http.throttle import throttle
from moviesx.schemas.catalog.items import MovieSchema
from moviesx.services.feed.cache import cached_body, feed_body

blp = Blueprint(
    "feed",
    __name__,
    url_prefix="/api/movies",
    title="Recommendations",
    description="The caller's home feed: movies recommended from the caller's ratings, unseen marks, platforms and "
    "friends. It always reflects the caller's and their friends' latest writes and every catalogue change.",
)


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
    """Recommended movies

    Any verified user. Up to 20 live movies as a plain array (not paginated), best first. Candidates come from
    the collaborative-filtering model when it knows the caller, otherwise from the most popular movies (those
    sharing a genre with the caller's movies rated 4 or more, when there are any). Movies a friend of the caller
    rated 4 or more rank higher, and so, less strongly, do movies with an award. Movies the caller rated or
    marked unseen and movies not yet released are left out; when the caller's profile has platforms, only
    movies on one of them (or on none) are kept. When fewer than 20 qualify, the newest releases fill the array.
    """
    return _json(feed_body(current_user()))
