"""/api/auth/: signup, login, tokens, verification and password reset (API.md 2, 5.1, 7)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import Response

from moviesx.http.auth import ANY, authenticated, current_user, public
from moviesx.http.blueprint import Blueprint
from moviesx.http.errors import translate
from moviesx.http.hooks import no_store
from moviesx.schemas.accounts.auth import (
    NO_ACTIVE_ACCOUNT,
    TOKEN_INVALID,
    AccessTokenSchema,
    LoginSchema,
    RefreshSchema,
    TokenPairSchema,
    cooldown,
    token_refused,
)
from moviesx.schemas.accounts.registration import (
    PASSWORD_RULES_BAD_REQUEST,
    AccountStatusSchema,
    CheckedBody,
    ForgotPasswordArgs,
    LanguageArgs,
    NewAccountLanguageArgs,
    ResetPasswordSchema,
    SignupResultSchema,
    SignupSchema,
    VerifySchema,
    signup_result,
)
from moviesx.schemas.base import StatusMessageSchema
from moviesx.services.accounts import auth, lifecycle, tokens

blp = Blueprint(
    "auth",
    __name__,
    url_prefix="/api/auth",
    title="Authentication",
    description="Accounts and tokens. Login, signup and Google login give a pair of JWTs: an access token (60 minutes) "
    "sent as `Authorization: Bearer`, and a refresh token (90 days, not rotated) that `refresh` turns into new "
    "access tokens and `logout` revokes; a password change or reset revokes every earlier token. A new account is "
    "unverified until it submits the 6-digit code emailed to it (15 minutes, 5 attempts). Login, signup, "
    "forgot-password and Google login share a limit of 20 requests a minute per IP address; refresh and logout "
    "60. Anonymous endpoints answer in the language of `lang`.",
)


def passes_when_verified(view: Callable) -> Callable:
    """An already verified user gets `{"status": true}` before the body is read (API.md 3.2a)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if current_user().verified:
            return {"status": True}
        return view(*args, **kwargs)

    return wrapper


@blp.route("/login/", methods=["POST"])
@no_store
@public(bucket="auth")
@blp.arguments(LoginSchema, location="form")
@blp.arguments(LanguageArgs, location="query", as_kwargs=True)
@blp.response(200, TokenPairSchema)
@blp.alt_response(
    401, **token_refused("Unknown user, wrong password, inactive account or no usable password.", refused=NO_ACTIVE_ACCOUNT)
)
def login(data: dict, lang: str):
    """Log in

    Anyone. Exchanges a username (matched ignoring case) and password for a token pair; unverified users may log
    in. Every refusal is the same 401, which takes as long for an unknown username as for a wrong password.
    `lang` is the language of the messages.
    """
    return tokens.issue_pair(auth.authenticate(data["username"], data["password"]))


@blp.route("/refresh/", methods=["POST"])
@no_store
@public(bucket="token")
@blp.arguments(RefreshSchema, location="form")
@blp.response(200, AccessTokenSchema)
@blp.alt_response(
    401,
    **token_refused(
        "The refresh token is malformed, badly signed, expired, not a refresh token, revoked or older than the last "
        "password change (`token_not_valid`), or its user is missing or inactive (`no_active_account`).",
        token_not_valid=TOKEN_INVALID,
        no_active_account={"detail": "No active account found for the given token.", "code": "no_active_account"},
    ),
)
def refresh(data: dict):
    """Get a new access token

    Anyone holding a refresh token. The new access token's claims are read from the database again, so they show
    the current `verified`, `boarded`, `username` and `preferred_language`. The refresh token is not rotated.
    """
    return {"access": tokens.issue_access(auth.user_for_refresh(data["refresh"]))}


@blp.route("/logout/", methods=["POST"])
@public(bucket="token")
@blp.arguments(RefreshSchema, location="form")
@blp.response(204)
@blp.alt_response(
    401,
    **token_refused("The token is malformed, badly signed, expired or not a refresh token.", token_not_valid=TOKEN_INVALID),
)
def logout(data: dict):
    """Log out

    Anyone holding a refresh token. Revokes it (an already revoked one also gives 204). Access tokens already
    issued stay valid until they expire.
    """
    auth.logout(data["refresh"])
    return Response(status=204)


@blp.route("/signup/", methods=["POST"])
@no_store
@public(bucket="auth")
@blp.arguments(SignupSchema, location="form")
@blp.arguments(NewAccountLanguageArgs, location="query", as_kwargs=True)
@blp.response(200, SignupResultSchema)
@blp.alt_response(400, **PASSWORD_RULES_BAD_REQUEST)
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
def signup(data: CheckedBody, lang: str):
    """Create an account

    Anyone. JSON, form or multipart (multipart for the `picture` file). Creates an unverified, not yet boarded
    account whose `preferred_language` is `lang`, emails it a verification code, and answers the new user with a
    token pair. A 400 lists every failing field at once; only a body without field errors is checked against the
    password rules.
    """
    user = lifecycle.signup(data, lang)
    return signup_result(user, tokens.issue_pair(user))


@blp.route("/verify/", methods=["POST"])
@authenticated(ANY)
@passes_when_verified
@blp.arguments(VerifySchema)
@blp.response(200, AccountStatusSchema)
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
def verify(data: dict):
    """Verify the caller's email address

    Any signed-in user, verified or not. Submits the code emailed at signup, on resend or after an email change;
    an already verified user gets `{"status": true}` whatever the body. Any other value than the outstanding code
    (wrong, expired, `null`, another type) is 400 `Verification code is incorrect` and counts as an attempt: 5
    wrong attempts end the code, and 20 in a day lock the account's codes for 24 hours.
    """
    lifecycle.verify(current_user(), data["verification_code"])
    return {"status": True}


@blp.route("/resend-verification-email/", methods=["POST"])
@authenticated(ANY)
@blp.response(200, StatusMessageSchema)
@blp.alt_response(429, **cooldown("You can resend the verification email in 37 seconds"))
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
def resend_verification_email():
    """Email a new verification code

    Any signed-in user, verified or not. `Verification email resent` (the new code replaces the old one), or
    `User is already verified` (no email). One email per 60 seconds per user.
    """
    return {"status": translate(lifecycle.resend_verification(current_user()))}


@blp.route("/forgot-password/", methods=["GET"])
@public(bucket="auth")
@blp.arguments(ForgotPasswordArgs, location="query")
@blp.response(200, StatusMessageSchema)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(429, **cooldown("You can resend the password reset email in 37 seconds"))
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
def forgot_password(args: dict):
    """Email a password-reset code

    Anyone. Always `Password reset email sent`, whether or not an active account has this address (ignoring
    case): the code is emailed only when one does, so the answer reveals nothing. One email per 60 seconds per
    address, known or not. Other query parameters are ignored.
    """
    lifecycle.request_password_reset(args["email"])
    return {"status": translate("Password reset email sent")}


@blp.route("/forgot-password/", methods=["POST"])
@public(bucket="auth")
@blp.arguments(ResetPasswordSchema)
@blp.arguments(LanguageArgs, location="query", as_kwargs=True)
@blp.response(200, StatusMessageSchema)
@blp.alt_response(
    400,
    **{
        **PASSWORD_RULES_BAD_REQUEST,
        "description": "Body parsing; `Invalid verification code` (unknown email; wrong, expired or locked code: "
        'the code is checked first); then `new_password` checks and the password rules (`{"error": [...]}`).',
        "examples": {
            "wrong_code": {"value": {"error": "Invalid verification code"}},
            "password_rules": PASSWORD_RULES_BAD_REQUEST["examples"]["password_rules"],
        },
    },
)
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
def reset_password(data: dict, lang: str):
    """Set a new password with a reset code

    Anyone holding a reset code. Sets the password, consumes the code, discards any verification code, marks the
    account verified (the code proves the address) and revokes every earlier token. A correct code with a refused
    password is not consumed.
    """
    lifecycle.reset_password(data)
    return {"status": translate("Password reset successful")}
