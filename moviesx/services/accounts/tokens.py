"""JWT access/refresh tokens: issue, decode with the contract's failure reasons, revoke (API.md 2)."""

from __future__ import annotations

import hashlib
import math
import uuid
from datetime import UTC, datetime, timedelta
from functools import lru_cache

import jwt as pyjwt
from flask import current_app

from moviesx.clock import to_timestamp, utcnow
from moviesx.extensions import db
from moviesx.models import RevokedToken, User
from moviesx.schemas.fields import is_valid_text
from moviesx.services.transactions import NO_CHANGE, commit_or

_CLAIM_TYPES = {
    "token_type": str,
    "user_id": int,
    "username": str,
    "verified": bool,
    "boarded": bool,
    "preferred_language": str,
    "jti": str,
    "iat": int,
    "exp": int,
}


class TokenRejected(Exception):
    """`reason` is one of: invalid, expired, wrong_type."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _user_claims(user: User, token_type: str) -> dict:
    return {
        "token_type": token_type,
        "user_id": user.id,
        "username": user.username,
        "verified": user.verified,
        "boarded": user.boarded,
        "preferred_language": user.preferred_language,
    }


def _encode(user: User, token_type: str, lifetime: timedelta) -> str:
    """HS256 compact JWT (API.md 2.1) signed with PyJWT, the library `decode` verifies with; `iat`/`exp` come from the
    application clock, so that an injected clock drives tokens too."""
    issued_at = math.floor(to_timestamp(utcnow()))
    claims = {
        **_user_claims(user, token_type),
        "sub": str(user.id),
        "jti": uuid.uuid4().hex,
        "iat": issued_at,
        "exp": issued_at + int(lifetime.total_seconds()),
    }
    return pyjwt.encode(claims, current_app.config["SECRET_KEY"], algorithm="HS256", headers={"typ": "JWT"})


def issue_access(user: User) -> str:
    return _encode(user, "access", timedelta(minutes=current_app.config["JWT_ACCESS_MINUTES"]))


def issue_pair(user: User) -> dict[str, str]:
    refresh = _encode(user, "refresh", timedelta(days=current_app.config["JWT_REFRESH_DAYS"]))
    return {"refresh": refresh, "access": issue_access(user)}


def decode(token: str, expected_type: str) -> dict:
    """Verify signature and expiry, then type, then claim shapes, in the contract's order."""
    try:
        claims = dict(_signed_claims(token, current_app.config["SECRET_KEY"]))
    except (pyjwt.PyJWTError, ValueError, TypeError):
        raise TokenRejected("invalid") from None
    expires = claims.get("exp")
    if not isinstance(expires, (int, float)) or isinstance(expires, bool):
        raise TokenRejected("invalid")
    if expires <= to_timestamp(utcnow()):  # no leeway; checked on the application clock
        raise TokenRejected("expired")
    if claims.get("token_type") != expected_type:
        raise TokenRejected("wrong_type" if isinstance(claims.get("token_type"), str) else "invalid")
    for name, kind in _CLAIM_TYPES.items():
        value = claims.get(name)
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise TokenRejected("invalid")
    return claims


@lru_cache(maxsize=4096)
def _signed_claims(token: str, secret: str) -> dict:
    """The claims of a token signed with `secret` (HS256 only: any other header alg, none included, is rejected),
    without checking any of them. A pure function of its arguments, kept for the tokens seen last: a client sends the
    same access token with every request, and verifying it is most of the ladder's own CPU (PyJWT checks the key and
    the encoding character by character). Failures are not kept. Callers get a copy (`decode`)."""
    return pyjwt.decode(
        token,
        secret,
        algorithms=["HS256"],
        options={
            "require": ["exp"],
            "verify_exp": False,
            "verify_iat": False,
            "verify_nbf": False,
            "verify_sub": False,
            "verify_jti": False,
        },
    )


def user_of(claims: dict) -> User | None:
    """The user named by `user_id`; an id outside the database integer range names nobody."""
    user_id = claims["user_id"]
    if not -(2**63) <= user_id <= 2**63 - 1:
        return None
    return db.session.get(User, user_id)


def issued_before_password_change(claims: dict, user: User | None) -> bool:
    """Tokens whose iat is before the change time truncated to whole seconds are dead (API.md 2.4)."""
    return user is not None and issued_before(claims, user.password_changed_at)


def issued_before(claims: dict, password_changed_at: datetime | None) -> bool:
    return password_changed_at is not None and claims["iat"] < math.floor(to_timestamp(password_changed_at))


def _revocation_key(jti: str) -> str:
    """The stored form of a jti: itself when it fits the column, else a digest (a jti may be any string)."""
    if len(jti) <= 64 and is_valid_text(jti):
        return jti
    return "sha256:" + hashlib.sha256(jti.encode("utf-8", "surrogatepass")).hexdigest()[:57]


def revoke_refresh(claims: dict) -> None:
    """Store the jti until the token's own expiry; revoking twice is harmless."""
    key = _revocation_key(claims["jti"])
    if db.session.get(RevokedToken, key) is not None:
        return
    db.session.add(RevokedToken(jti=key, expires_at=_from_timestamp(claims["exp"])))
    commit_or(NO_CHANGE)


def is_revoked(claims: dict) -> bool:
    return db.session.get(RevokedToken, _revocation_key(claims["jti"])) is not None


def purge_expired_revocations() -> int:
    deleted = RevokedToken.query.filter(RevokedToken.expires_at < utcnow()).delete()
    db.session.commit()
    return deleted


def _from_timestamp(seconds: int):
    from datetime import datetime

    try:
        return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
    except (OverflowError, OSError, ValueError):  # an `exp` past year 9999: kept until the end of time
        return datetime.max.replace(microsecond=0)
