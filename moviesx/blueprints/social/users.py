"""Users, friends, friend requests and suggestions (API.md 5.2, 6.1)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from moviesx.http.auth import ANY, VERIFIED, authenticated, caller_id, current_user
from moviesx.http.blueprint import Blueprint, resolves
from moviesx.http.errors import translate
from moviesx.http.language import active_language
from moviesx.http.lookup import user_or_404
from moviesx.http.pagination import cursor, page
from moviesx.models import FriendRequest, Review, User
from moviesx.schemas.base import StatusMessageSchema
from moviesx.schemas.query import MAX_LIMIT, cursor_args
from moviesx.schemas.social.activity import FriendRequestCursorSchema, ReviewCursorSchema
from moviesx.schemas.social.users import (
    BioTranslationSchema,
    StatusErrorSchema,
    UnfriendArgs,
    UserCursorSchema,
    UserPageSchema,
    UserSchema,
    UserSearchArgs,
)
from moviesx.services.social import friends, translator
from moviesx.services.social.reviews import live_reviews

blp = Blueprint(
    "users",
    __name__,
    url_prefix="/api/users",
    title="Users and friends",
    description="Other users, friends and friend requests. Friendship is symmetric: it shows from both sides in every "
    "feature (friends lists, searches, friends' ratings, list visibility, recommendations). A pair of users has at "
    "most one friend request, `P` pending, `A` accepted or `R` rejected, whoever sent it: sending a request to "
    "someone who already asked you accepts it. Every user object carries `friendship`, how the caller and that user "
    'are related (`null` for the caller). Friends\' errors are `{"status": ...}` bodies. Every operation needs a '
    "verified account, except the incoming friend requests (any account).",
)

SUGGESTIONS_LIMIT = 10

STATUS_ERRORS = {
    "cannot_friend_yourself": {"status": "You cannot friend yourself"},
    "already_friends": {"status": "Already friends"},
    "already_sent": {"status": "Friend request already sent"},
    "cannot_unfriend_yourself": {"status": "You cannot unfriend yourself"},
    "nothing_to_reject": {"status": "No friend relationship to reject"},
    "username_required": {"status": "Username parameter is required"},
    "not_friends": {"status": "Not friends"},
}


def status_error(status: int, description: str, *examples: str) -> Callable:
    """Document an error answered with a `{"status": ...}` body (API.md 5.2)."""
    return blp.alt_response(
        status,
        schema=StatusErrorSchema,
        description=description,
        examples={name: {"value": STATUS_ERRORS[name]} for name in examples},
    )


def seen_by_caller(view: Callable) -> Callable:
    """The users of the answer (one User, or an envelope's `results`) get their `friendship` with the caller, in one batch."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        answer = view(*args, **kwargs)
        friends.seen_by(caller_id(), answer["results"] if isinstance(answer, dict) else [answer])
        return answer

    return wrapper


@blp.route("/suggested-users/", methods=["GET"])
@authenticated(VERIFIED)
@blp.arguments(cursor_args(SUGGESTIONS_LIMIT), location="query")
@blp.response(200, UserCursorSchema)
@seen_by_caller
def suggested_users(args: dict):
    """Suggested users

    Any verified user. A cursor page of friends of the caller's friends: active users who are not the caller's
    friends, have no pending or accepted request with the caller, and share at least one friend with the caller;
    by number of common friends descending, then id ascending. A user without friends gets an empty page. Other
    parameters (such as `recomender_for`) are ignored.
    """
    rows, has_more, count = friends.suggestions_page(
        caller_id(), limit=min(args["limit"] or SUGGESTIONS_LIMIT, MAX_LIMIT), last_id=args.get("last_id")
    )
    users = [user for user, _common in rows]
    return {"results": users, "next_last_id": users[-1].id if has_more else None, "count": count}


@blp.route("/friend-requests/", methods=["GET"])
@authenticated(ANY)
@blp.response(200, FriendRequestCursorSchema)
@cursor(order=[(FriendRequest.created_at, True), (FriendRequest.id, True)])
def incoming_friend_requests():
    """Incoming friend requests

    Any account, verified or not (the web client polls it on every page). A cursor page of the pending requests
    sent to the caller by active users, newest first, then id descending; `count` is their total (the badge).
    """
    return friends.incoming_requests(caller_id())


@blp.route("/friends/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, UserCursorSchema)
@seen_by_caller
@cursor(order=[(User.id, True)])
def my_friends():
    """The caller's friends

    Any verified user. A cursor page of the caller's active friends, id descending.
    """
    return friends.friends_of(caller_id())


@blp.route("/friends/", methods=["DELETE"])
@authenticated(VERIFIED)
@blp.arguments(UnfriendArgs, location="query")
@blp.response(200, StatusMessageSchema, example={"status": "Unfriended successfully"})
@status_error(
    400,
    "In this order: `username` absent or empty (`Username parameter is required`), then (after the 404) the caller "
    "themself (`You cannot unfriend yourself`), then not friends (`Not friends`).",
    "username_required",
    "cannot_unfriend_yourself",
    "not_friends",
)
@blp.alt_response(
    404,
    schema=StatusErrorSchema,
    description="No active user has this exact username.",
    example={"status": "User not found"},
)
def unfriend(args: dict):
    """Unfriend a user

    Any verified user. Ends the friendship with `username` from both sides and deletes the friend request between
    the two, so either may send a new one. Its errors come in its own order: the username is required, then it must
    name an active user (404), then it must not be the caller, then the two must be friends.
    """
    friends.unfriend_named(current_user(), args.get("username"))
    return {"status": translate("Unfriended successfully")}


@blp.route("/searching/", methods=["GET"])
@authenticated(VERIFIED)
@blp.arguments(UserSearchArgs, location="query")
@blp.response(200, UserPageSchema)
@seen_by_caller
@page()
def search_users(args: dict):
    """Search users

    Any verified user. A page of active users whose username, first name or last name contains `search_query`
    (ignoring case; blank matches everyone), the caller included; `is_friend=true` keeps only the caller's friends.
    By username (code point order), then id.
    """
    needle = args.get("search_query", args["name"])
    return friends.search_users(caller_id(), needle, friends_only=args["is_friend"])


@blp.route("/<username:username>/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(user=user_or_404)
@blp.response(200, UserSchema)
@seen_by_caller
def user_detail(user: User):
    """Get a user

    Any verified user. The user with their `friendship` to the caller (`null` when it is the caller). The username
    matches exactly (case-sensitive); an inactive user is the generic 404.
    """
    return user


@blp.route("/<username:username>/reviews/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(user=user_or_404)
@blp.response(200, ReviewCursorSchema)
@cursor(order=[(Review.id, True)])
def user_reviews(user: User):
    """A user's reviews

    Any verified user. A cursor page of the user's live reviews of live movies, newest (highest id) first.
    """
    return live_reviews().where(Review.user_id == user.id)


@blp.route("/<username:username>/friends/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(user=user_or_404)
@blp.response(200, UserCursorSchema)
@seen_by_caller
@cursor(order=[(User.id, True)])
def user_friends(user: User):
    """A user's friends

    Any verified user. A cursor page of the user's active friends, id descending, each with their `friendship` to
    the caller.
    """
    return friends.friends_of(user.id)


@blp.route("/<username:username>/friend-requests/", methods=["POST"])
@authenticated(VERIFIED)
@resolves(user=user_or_404)
@blp.response(200, StatusMessageSchema, example={"status": "Friend request sent"})
@status_error(
    400,
    "The user is the caller, the two are already friends, or the caller's request is still pending.",
    "cannot_friend_yourself",
    "already_friends",
    "already_sent",
)
def send_friend_request(user: User):
    """Send a friend request

    Any verified user. `Friend request sent`: a pending request from the caller is created, or the pair's rejected
    or accepted row is turned into one (dated now). `Friend request accepted` when the user had already asked the
    caller: the two become friends. A body is ignored.
    """
    return {"status": translate(friends.send_request(current_user(), user))}


@blp.route("/<username:username>/friend-requests/", methods=["DELETE"])
@authenticated(VERIFIED)
@resolves(user=user_or_404)
@blp.response(200, StatusMessageSchema, example={"status": "Friend request rejected"})
@status_error(
    400,
    "The user is the caller, or there is no pending request between the two.",
    "cannot_unfriend_yourself",
    "nothing_to_reject",
)
def reject_friend_request(user: User):
    """Reject or cancel a friend request

    Any verified user. The pending request between the caller and the user, in either direction, becomes `R`
    (rejected): this rejects the user's request or cancels the caller's own. It never ends a friendship.
    """
    friends.reject_request(current_user(), user)
    return {"status": translate("Friend request rejected")}


@blp.route("/<username:username>/translations/", methods=["GET"])
@authenticated(VERIFIED, bucket="translation")
@resolves(user=user_or_404)
@blp.response(200, BioTranslationSchema)
def user_translations(user: User):
    """Translate a user's bio

    Any verified user, within the translation rate limit. The bio translated into the caller's preferred language;
    when no translator is configured or it fails, the bio comes back as stored (still 200). Successful translations
    are cached for 30 days.
    """
    return {"bio": translator.translate(user.bio, active_language(), caller_id())}
