"""/api/me/activity/: what the caller's friends did, newest first (API.md 16)."""

from __future__ import annotations

from moviesx.http.auth import VERIFIED, authenticated, current_user
from moviesx.http.blueprint import Blueprint
from moviesx.schemas.activity import DEFAULT_LIMIT, ActivityArgs, ActivityPageSchema
from moviesx.schemas.query import MAX_LIMIT
from moviesx.services.activity.stream import activity_page

blp = Blueprint(
    "activity",
    __name__,
    url_prefix="/api/me",
    title="Friends' activity",
    description="The merged stream of what the caller's current, active friends rated, reviewed, watched, "
    "watchlisted, listed and befriended, about live objects only, newest first.",
)


@blp.route("/activity/", methods=["GET"])
@authenticated(VERIFIED)
@blp.arguments(ActivityArgs, location="query")
@blp.response(200, ActivityPageSchema)
@blp.alt_response(400, response="BAD_REQUEST")
def friends_activity(args: dict):
    """Friends' activity

    Any verified user. The items of the caller's current, active friends (never the caller's own), by `created_at`
    descending, then `id` descending, after `cursor`. A page costs the same queries whatever `limit` and however
    many friends the caller has. Gained or lost friends change what later pages hold; an item whose time changes
    (a rating set again) moves to its new place, and no item is listed twice in one walk.
    """
    limit = min(args["limit"] or DEFAULT_LIMIT, MAX_LIMIT)
    return activity_page(current_user(), kinds=args["kinds"], cursor=args.get("cursor"), limit=limit)
