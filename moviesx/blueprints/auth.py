"""/api/auth/: login, token refresh and logout."""

from __future__ import annotations

from flask import Response
from flask_smorest import Blueprint

from moviesx.http.auth import public
from moviesx.http.body import accepts, load_form
from moviesx.schemas.auth import AccessTokenSchema, LoginSchema, RefreshSchema, TokenPairSchema
from moviesx.services import auth, tokens

blp = Blueprint("auth", __name__, url_prefix="/api/auth", description="Login, tokens and account verification")


@blp.route("/login/", methods=["POST"])
@public(bucket="auth")
@accepts(LoginSchema, form=True)
@blp.response(200, TokenPairSchema)
def login():
    data = load_form(LoginSchema())
    return tokens.issue_pair(auth.authenticate(data["username"], data["password"]))


@blp.route("/refresh/", methods=["POST"])
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
