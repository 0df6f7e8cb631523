"""The caller's own account: profile, language, onboarding."""

from __future__ import annotations

from flask import request
from flask_smorest import Blueprint

from moviesx.http.auth import ANY, VERIFIED, authenticated, current_user
from moviesx.http.body import accepts, form_object, json_object
from moviesx.schemas.accounts import AccountStatusSchema
from moviesx.schemas.profile import (
    PreferredLanguageInputSchema,
    PreferredLanguageSchema,
    ProfileUpdateSchema,
    SelfUserSchema,
)
from moviesx.services import accounts

blp = Blueprint(
    "profile",
    __name__,
    url_prefix="/api/users",
    description="The caller's own account: profile, language, onboarding",
)


@blp.route("/", methods=["GET"])
@authenticated(ANY)
@blp.response(200, SelfUserSchema)
def get_profile():
    return current_user()


@blp.route("/", methods=["PUT"])
@authenticated(ANY)
@accepts(ProfileUpdateSchema, form=True)
@blp.response(200, SelfUserSchema)
def update_profile():
    """Partial edit: absent, null and "" keys are ignored; `platforms`/`following_persons` replace the sets."""
    return accounts.update_profile(current_user(), form_object(), request.files.get("picture"))


@blp.route("/preferred-language/", methods=["GET"])
@authenticated(ANY)
@blp.response(200, PreferredLanguageSchema)
def get_preferred_language():
    return current_user()


@blp.route("/preferred-language/", methods=["POST"])
@authenticated(ANY)
@accepts(PreferredLanguageInputSchema)
@blp.response(200, AccountStatusSchema)
def set_preferred_language():
    accounts.set_preferred_language(current_user(), json_object())
    return {"status": True}


@blp.route("/onboarding/", methods=["POST"])
@authenticated(VERIFIED)
@blp.response(200, AccountStatusSchema)
def onboarding():
    accounts.finish_onboarding(current_user())
    return {"status": True}
