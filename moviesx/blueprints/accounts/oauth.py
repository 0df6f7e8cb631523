"""Google login (API.md 5.1, 7.7)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from moviesx.http.auth import public
from moviesx.http.blueprint import Blueprint
from moviesx.http.errors import error
from moviesx.http.hooks import no_store
from moviesx.schemas.accounts.auth import NO_ACTIVE_ACCOUNT, TokenPairSchema, token_refused
from moviesx.schemas.accounts.registration import GoogleLoginSchema, NewAccountLanguageArgs
from moviesx.services.accounts import google, tokens

blp = Blueprint(
    "oauth",
    __name__,
    url_prefix="/api/oauth",
    title="Google login",
    description="Sign in with Google. The client sends the authorization code Google gave it; the account is the one "
    "linked to the Google identity, else the one with the same (verified) email address, which is then linked, "
    "else a new verified account. Shares the login rate limit (20 requests a minute per IP address).",
)

NOT_CONFIGURED = {"error": "Google login is not configured"}


def google_configured(view: Callable) -> Callable:
    """503 before the body is read when no Google client is configured (API.md 5.1)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        if not google.is_configured():
            raise error(503, NOT_CONFIGURED["error"])
        return view(*args, **kwargs)

    return wrapper


@blp.route("/google/", methods=["POST"])
@no_store
@public(bucket="auth")
@google_configured
@blp.arguments(GoogleLoginSchema)
@blp.arguments(NewAccountLanguageArgs, location="query", as_kwargs=True)
@blp.response(200, TokenPairSchema)
@blp.alt_response(
    400,
    description="Body parsing (`code` absent or blank: `Missing required fields`), field validation, or Google "
    "refused the code or the account (`Invalid Google authorization code`).",
    schema={"anyOf": [{"$ref": "#/components/schemas/ErrorMessage"}, {"$ref": "#/components/schemas/FieldErrors"}]},
    examples={
        "missing": {"value": {"error": "Missing required fields"}},
        "refused": {"value": {"error": "Invalid Google authorization code"}},
    },
)
@blp.alt_response(401, **token_refused("The linked account is inactive.", inactive=NO_ACTIVE_ACCOUNT))
@blp.alt_response(
    503,
    description="Google login is not configured (checked before the body), or a dependency cannot be reached.",
    schema={"$ref": "#/components/schemas/ErrorMessage"},
    examples={
        "not_configured": {"value": NOT_CONFIGURED},
        "unavailable": {"value": {"error": "Service temporarily unavailable"}},
    },
)
def google_login(data: dict, lang: str):
    """Log in with Google

    Anyone. Exchanges a Google authorization code for a token pair. An address registered here but never verified
    loses its password and earlier tokens when its Google owner signs in. A new account is verified, not yet
    boarded, named after the email's local part, with `preferred_language` = `lang`.
    """
    return tokens.issue_pair(google.login(data["code"], lang))
