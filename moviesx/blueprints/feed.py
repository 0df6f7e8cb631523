"""The personal recommendation feed (API.md 5.3, 6.7) and why each of its movies is there (API.md 17)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import current_app, g, json

from moviesx.http.auth import VERIFIED, access_claims, authenticated, current_facts, current_user
from moviesx.http.blueprint import Blueprint
from moviesx.http.throttle import throttle
from moviesx.schemas.catalog.items import MovieSchema
from moviesx.schemas.feed import ReasonSchema, RecommendationSchema
from moviesx.services.feed.cache import cached_body, feed_body, feed_with_provenance
from moviesx.services.feed.reasons import reasons_for

blp = Blueprint(
    "feed",
    __name__,
    url_prefix="/api",
    title="Recommendations",
    description="The caller's home feed: movies recommended from the caller's ratings, watchlist, unseen marks, "
    "platforms and friends, and why each is there. It always reflects the caller's and their friends' latest writes "
    "and every catalogue change.",
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


@blp.route("/movies/", methods=["GET"])
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
    # The ladder's facts are all the feed needs: the row is read only when the computation did not prove the caller
    # still active (current_user() refuses one deleted or deactivated since the ladder passed, as before).
    return _json(feed_body(current_facts(), confirm=current_user))


@blp.route("/me/recommendations/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, RecommendationSchema(many=True))
def explained_recommendations():
    """Why these movies

    Any verified user. Exactly the movies of `GET /api/movies/` at that moment, in the same order (both come from
    the same computed feed), each with the reasons it is there, in this order and each only when it applies:
    the caller's movies rated 4 or more that contribute most to its model score, friends who rated it 4 or more,
    its awards, the popularity fallback, or the padding with the newest releases.
    """
    user = current_user()
    body, provenance = feed_with_provenance(user)
    reasons = reasons_for(user, provenance)
    dump = ReasonSchema(many=True).dump
    return current_app.json.response([{"movie": movie, "reasons": dump(reasons[movie["id"]])} for movie in json.loads(body)])
