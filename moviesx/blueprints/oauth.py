"""Google login."""

from __future__ import annotations

from flask_smorest import Blueprint

from moviesx.http.auth import public
from moviesx.http.body import accepts, json_object
from moviesx.http.errors import FieldErrors, error
from moviesx.http.hooks import no_store
from moviesx.http.language import language_from_query
from moviesx.schemas.accounts import GoogleLoginSchema
from moviesx.schemas.auth import TokenPairSchema
from moviesx.schemas.fields import NULL, is_valid_text
from moviesx.services import google, tokens

blp = Blueprint("oauth", __name__, url_prefix="/api/oauth", description="Google login")


@blp.route("/google/", methods=["POST"])
@no_store
@public(bucket="auth")
@accepts(GoogleLoginSchema)
@blp.response(200, TokenPairSchema)
def google_login():
    """Exchange a Google authorization code for a token pair (`?lang=` is the language of a new account)."""
    if not google.is_configured():
        raise error(503, "Google login is not configured")
    body = json_object()
    code = body.get("code")
    if "code" not in body or (isinstance(code, str) and not code.strip()):
        raise error(400, "Missing required fields")
    if code is None:
        raise FieldErrors({"code": [NULL]})
    if not is_valid_text(code):
        raise FieldErrors({"code": ["Not a valid string."]})
    return tokens.issue_pair(google.login(code, language_from_query()))
