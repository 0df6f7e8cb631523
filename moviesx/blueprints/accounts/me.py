"""DELETE /api/me/: the caller deletes their own account (API.md 18)."""

from __future__ import annotations

from moviesx.http.auth import ANY, access_claims, authenticated, current_user
from moviesx.http.blueprint import Blueprint
from moviesx.schemas.accounts.deletion import DELETION_REFUSED, DeleteAccountSchema
from moviesx.services.accounts import deletion

blp = Blueprint(
    "me",
    __name__,
    url_prefix="/api/me",
    title="Account deletion",
    description="The caller deletes their own account and everything in it, for good (API.md 18). A copy of the "
    "data can be taken first with `GET /api/me/export/`.",
)


@blp.route("/", methods=["DELETE"])
@authenticated(ANY, ip_bucket="auth")
@blp.arguments(DeleteAccountSchema)
@blp.response(204)
@blp.alt_response(400, **DELETION_REFUSED)
def delete_my_account(data: dict):
    """Delete your account

    Any signed-in user, verified or not. Confirm with `{"password": ...}`; an account without a password (created by
    Google login) sends `{"username": <its own username>}` with an access token less than 10 minutes old. Every
    attempt counts in the login limit of the client's IP address (20 a minute). Erased for good, at once: the
    account, its ratings, unseen marks, watchlist, diary, lists, friendships and friend requests, reviews,
    comments and reactions, with every reply and reaction under those reviews and comments whoever wrote them,
    and the profile picture. Every token of the account stops working; the username and the email address are
    free again; a goodbye email goes to the old address.
    """
    deletion.delete_account(current_user(), data, access_claims()["iat"])
