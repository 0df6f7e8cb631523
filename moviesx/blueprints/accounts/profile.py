"""The caller's own account: profile, language, onboarding (API.md 5.1)."""

from __future__ import annotations

from flask import g

from moviesx.http.auth import ANY, VERIFIED, authenticated, current_user
from moviesx.http.blueprint import Blueprint
from moviesx.http.conditional import json_response
from moviesx.schemas.accounts.profile import (
    PreferredLanguageInputSchema,
    PreferredLanguageSchema,
    ProfileUpdateSchema,
    SelfUserSchema,
)
from moviesx.schemas.accounts.registration import PASSWORD_RULES_BAD_REQUEST, AccountStatusSchema, CheckedBody
from moviesx.services.accounts import lifecycle, profile_cache

blp = Blueprint(
    "profile",
    __name__,
    url_prefix="/api/users",
    title="Your account",
    description="The caller's own account. Open to unverified users (except onboarding), so that a new user can "
    "fix a mistyped address. Changing the email address makes the account unverified until the new code is "
    "submitted; changing the password revokes every earlier token; both send a notice to the previous address. "
    "`preferred_language` is the language of every answer and email of the user.",
)


@blp.route("/", methods=["GET"])
@authenticated(ANY)
@blp.response(200, SelfUserSchema)
def get_profile():
    """The caller's profile

    The caller's own account (SelfUser): email, names, picture, streaming platforms, followed persons, whether it
    is verified, boarded and staff, and its language. Any signed-in user, verified or not.
    """
    return json_response(profile_cache.own_profile(g.user_id).body)


@blp.route("/", methods=["PUT"])
@authenticated(ANY)
@blp.arguments(ProfileUpdateSchema, location="form", required=False)
@blp.response(200, SelfUserSchema)
@blp.alt_response(400, **PASSWORD_RULES_BAD_REQUEST)
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
def update_profile(data: CheckedBody):
    """Change the caller's profile

    Any signed-in user, verified or not. JSON, form or multipart (multipart for the `picture` file). Every key is
    optional: absent, `null` and `""` are ignored (a bio cannot be emptied); the signup rules apply to the others.
    `platforms` and `following_persons` replace the sets. A different email address (ignoring case) is stored
    unverified and gets a new code. All or nothing: a 400 lists every failing field, then the password rules.
    """
    return lifecycle.update_profile(current_user(), data)


@blp.route("/preferred-language/", methods=["GET"])
@authenticated(ANY)
@blp.response(200, PreferredLanguageSchema)
def get_preferred_language():
    """The caller's language

    The language of the caller's messages, translated content and emails (`en`, `es`, `fr` or `de`). Any
    signed-in user, verified or not.
    """
    return current_user()


@blp.route("/preferred-language/", methods=["POST"])
@authenticated(ANY)
@blp.arguments(PreferredLanguageInputSchema)
@blp.response(200, AccountStatusSchema)
def set_preferred_language(data: dict):
    """Change the caller's language

    Any signed-in user, verified or not. Answers, messages and emails use it from the next request on; tokens
    show it from the next refresh.
    """
    lifecycle.set_preferred_language(current_user(), data["preferred_language"])
    return {"status": True}


@blp.route("/onboarding/", methods=["POST"])
@authenticated(VERIFIED)
@blp.response(200, AccountStatusSchema)
def onboarding():
    """Finish onboarding

    Any verified user. Sets `boarded` to true (again: no change).
    """
    lifecycle.finish_onboarding(current_user())
    return {"status": True}
