"""Users, friends, friend requests and suggestions (API.md 5.2, 6.1)."""

from __future__ import annotations

from flask_smorest import Blueprint
from sqlalchemy import or_, select

from moviesx.extensions import db
from moviesx.http.auth import ANY, VERIFIED, authenticated, current_user
from moviesx.http.errors import error, translate
from moviesx.http.language import active_language
from moviesx.http.lookup import user_or_404
from moviesx.http.pagination import cursor_envelope, page_envelope, requested_limit
from moviesx.http.params import arg_bool, arg_id, arg_str
from moviesx.models import FriendRequest, Review, User
from moviesx.models.sql import codepoint, contains_folded
from moviesx.schemas.base import StatusMessageSchema
from moviesx.schemas.social import FriendRequestCursorSchema, ReviewCursorSchema, dump_friend_requests, dump_reviews
from moviesx.schemas.users import BioTranslationSchema, UserCursorSchema, UserPageSchema, UserSchema, dump_users
from moviesx.services import friends, translator
from moviesx.services.reviews import live_reviews

blp = Blueprint("users", __name__, url_prefix="/api/users", description="Users, friends, friend requests and suggestions")


@blp.route("/suggested-users/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=UserCursorSchema)
def suggested_users():
    """Friends of friends, by common friends descending, then id ascending."""
    rows, has_more, count = friends.suggestions_page(current_user().id, limit=requested_limit(10), last_id=arg_id("last_id"))
    users = [user for user, _common in rows]
    return {"results": dump_users(users), "next_last_id": users[-1].id if has_more else None, "count": count}


@blp.route("/friend-requests/", methods=["GET"])
@authenticated(ANY)
@blp.response(200)
@blp.alt_response(200, schema=FriendRequestCursorSchema)
def incoming_friend_requests():
    """Incoming pending requests, newest first."""
    return cursor_envelope(
        friends.incoming_requests(current_user().id),
        dump_friend_requests,
        order=[(FriendRequest.created_at, True), (FriendRequest.id, True)],
    )


@blp.route("/friends/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=UserCursorSchema)
def my_friends():
    return cursor_envelope(friends.friends_of(current_user().id), dump_users, order=[(User.id, True)])


@blp.route("/friends/", methods=["DELETE"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=StatusMessageSchema)
def unfriend():
    """Unfriend `?username=`: deletes the friendship and the request row of the pair."""
    username = arg_str("username")
    if not username:
        raise error(400, "Username parameter is required", key="status")
    target = _active_user(username)
    if target is None:
        raise error(404, "User not found", key="status")
    friends.unfriend(current_user(), target)
    return {"status": translate("Unfriended successfully")}


def _active_user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))


@blp.route("/searching/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=UserPageSchema)
def search_users():
    """Case-insensitive substring of username, first or last name; by username code point, then id."""
    needle = arg_str("search_query")
    if needle is None:
        needle = arg_str("name", "")
    stmt = select(User).where(User.is_active.is_(True))
    if needle.strip():
        stmt = stmt.where(
            or_(
                contains_folded(User.username, needle),
                contains_folded(User.first_name, needle),
                contains_folded(User.last_name, needle),
            )
        )
    if arg_bool("is_friend"):
        stmt = stmt.where(User.id.in_(friends.friend_ids(current_user().id)))
    return page_envelope(stmt.order_by(codepoint(User.username), User.id), dump_users)


@blp.route("/<username:username>/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, UserSchema)
def user_detail(username):
    return user_or_404(username)


@blp.route("/<username:username>/reviews/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=ReviewCursorSchema)
def user_reviews(username):
    user = user_or_404(username)
    return cursor_envelope(live_reviews().where(Review.user_id == user.id), dump_reviews, order=[(Review.id, True)])


@blp.route("/<username:username>/friends/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=UserCursorSchema)
def user_friends(username):
    user = user_or_404(username)
    return cursor_envelope(friends.friends_of(user.id), dump_users, order=[(User.id, True)])


@blp.route("/<username:username>/friend-requests/", methods=["POST"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=StatusMessageSchema)
def send_friend_request(username):
    return {"status": translate(friends.send_request(current_user(), user_or_404(username)))}


@blp.route("/<username:username>/friend-requests/", methods=["DELETE"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=StatusMessageSchema)
def reject_friend_request(username):
    friends.reject_request(current_user(), user_or_404(username))
    return {"status": translate("Friend request rejected")}


@blp.route("/<username:username>/translations/", methods=["GET"])
@authenticated(VERIFIED, bucket="translation")
@blp.response(200)
@blp.alt_response(200, schema=BioTranslationSchema)
def user_translations(username):
    user = user_or_404(username)
    return {"bio": translator.translate(user.bio, active_language(), current_user().id)}
