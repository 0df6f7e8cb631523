"""/api/auth/: signup, login, tokens, verification and password reset."""

from __future__ import annotations

from flask import Response, request
from flask_smorest import Blueprint

from moviesx.http.auth import ANY, authenticated, current_user, public
from moviesx.http.body import accepts, form_object, json_object, load_form
from moviesx.http.errors import FieldErrors, translate
from moviesx.http.hooks import no_store
from moviesx.http.language import language_from_query
from moviesx.http.params import arg_str
from moviesx.schemas.accounts import (
    AccountStatusSchema,
    ResetPasswordSchema,
    SignupResultSchema,
    SignupSchema,
    VerifySchema,
    signup_result,
)
from moviesx.schemas.auth import AccessTokenSchema, LoginSchema, RefreshSchema, TokenPairSchema
from moviesx.schemas.fields import REQUIRED
from moviesx.services import accounts, auth, tokens

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Login, tokens and account verification")


@blp.route("/login/", methods=["POST"])
@no_store
@public(bucket="auth")
@accepts(LoginSchema, form=True)
@blp.response(200, TokenPairSchema)
def login():
    data = load_form(LoginSchema())
    return tokens.issue_pair(auth.authenticate(data["username"], data["password"]))


@blp.route("/refresh/", methods=["POST"])
@no_store
@public(bucket="token")
@accepts(RefreshSchema, form=True)
@blp.response(200, AccessTokenSchema)
def refresh():
    data = load_form(RefreshSchema())
    return {"access": tokens.issue_access(auth.user_for_refresh(data["refresh"]))}


@blp.route("/logout/", methods=["POST"])
@public(bucket="token")
@accepts(RefreshSchema, form=True)
@blp.response(204)
def logout():
    data = load_form(RefreshSchema())
    auth.logout(data["refresh"])
    return Response(status=204)


@blp.route("/signup/", methods=["POST"])
@no_store
@public(bucket="auth")
@accepts(SignupSchema, form=True)
@blp.response(200, SignupResultSchema)
def signup():
    """Create an unverified account (`?lang=` sets its language) and email a verification code."""
    user = accounts.signup(form_object(), request.files.get("picture"), language_from_query())
    return signup_result(user, tokens.issue_pair(user))


@blp.route("/verify/", methods=["POST"])
@authenticated(ANY)
@accepts(VerifySchema)
@blp.response(200, AccountStatusSchema)
def verify():
    user = current_user()
    if not user.verified:
        accounts.verify(user, json_object())
    return {"status": True}


@blp.route("/resend-verification-email/", methods=["POST"])
@authenticated(ANY)
@blp.response(200, AccountStatusSchema)
def resend_verification_email():
    return {"status": translate(accounts.resend_verification(current_user()))}


@blp.route("/forgot-password/", methods=["GET"])
@public(bucket="auth")
@blp.doc(parameters=[{"in": "query", "name": "email", "required": True, "schema": {"type": "string"}}])
@blp.response(200, AccountStatusSchema)
def forgot_password():
    """Email a reset code when an active account has this address; the answer never says whether one does."""
    email = arg_str("email")
    if email is None or not email.strip():
        raise FieldErrors({"email": [REQUIRED]})
    accounts.request_password_reset(email)
    return {"status": translate("Password reset email sent")}


@blp.route("/forgot-password/", methods=["POST"])
@public(bucket="auth")
@accepts(ResetPasswordSchema)
@blp.response(200, AccountStatusSchema)
def reset_password():
    accounts.reset_password(json_object())
    return {"status": translate("Password reset successful")}
