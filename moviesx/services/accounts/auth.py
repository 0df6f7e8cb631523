"""Credential checks and the refresh/logout rules (API.md 2.3, 2.4, 5.1)."""

from __future__ import annotations

from sqlalchemy import func, select

from moviesx.extensions import db
from moviesx.http.errors import APIError, error
from moviesx.models import User
from moviesx.services.accounts import tokens
from moviesx.services.accounts.passwords import verify_password


def find_by_username(username: str) -> User | None:
    return db.session.scalar(select(User).where(func.lower(User.username) == username.lower()))


def authenticate(username: str, password: str) -> User:
    """The user for these credentials; every failure is the same 401 and costs the same hash work."""
    user = find_by_username(username)
    valid = verify_password(user.password_hash if user else None, password)
    if user is None or not valid or not user.is_active:
        raise error(401, "No active account found with the given credentials", key="detail")
    return user


def _refresh_rejected() -> APIError:
    return APIError(401, {"detail": "Token is invalid or expired", "code": "token_not_valid"})


def refresh_claims(token: str) -> dict:
    try:
        return tokens.decode(token, "refresh")
    except tokens.TokenRejected:
        raise _refresh_rejected() from None


def user_for_refresh(token: str) -> User:
    """Check a refresh token (signature, expiry, type, revocation, password change) and return its active user."""
    claims = refresh_claims(token)
    if tokens.is_revoked(claims):
        raise _refresh_rejected()
    user = tokens.user_of(claims)
    if tokens.issued_before_password_change(claims, user):
        raise _refresh_rejected()
    if user is None or not user.is_active:
        raise APIError(401, {"detail": "No active account found for the given token.", "code": "no_active_account"})
    return user


def logout(token: str) -> None:
    tokens.revoke_refresh(refresh_claims(token))
