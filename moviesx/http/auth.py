"""The authentication ladder (API.md 2.2) as view decorators: `public`, `authenticated`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import g, request
from flask_smorest import Blueprint

from moviesx.http.blueprint import document_errors
from moviesx.http.client_ip import client_ip
from moviesx.http.errors import APIError, error
from moviesx.http.language import language_from_query, set_language
from moviesx.http.throttle import throttle
from moviesx.models import User
from moviesx.services.accounts import caller, tokens

ANY = "any"  # A: valid token of an active user, verified or not
VERIFIED = "verified"  # A+V
STAFF = "staff"

_TOKEN_MESSAGES = {"invalid": "Token is invalid", "expired": "Token is expired", "wrong_type": "Token has wrong type"}


def token_not_valid(reason: str) -> APIError:
    return APIError(
        401,
        {
            "detail": "Given token not valid for any token type",
            "code": "token_not_valid",
            "messages": [{"token_class": "AccessToken", "token_type": "access", "message": _TOKEN_MESSAGES[reason]}],
        },
    )


def _bearer_token() -> str:
    header = request.headers.get("Authorization", "")
    parts = header.split()
    if not parts or parts[0].lower() != "bearer":
        raise error(401, "You need to be authenticated")
    if len(parts) != 2:
        raise token_not_valid("invalid")
    return parts[1]


def access_claims() -> dict | None:
    """The claims of the request's access token when it is well formed, signed and unexpired; otherwise None."""
    try:
        return tokens.decode(_bearer_token(), "access")
    except (APIError, tokens.TokenRejected):
        return None


def resolve_caller(level: str) -> int:
    """Run steps 1-5 of the ladder and return the caller's id; sets the active language. The user's facts come from
    `services.accounts.caller` (cached while no write has changed them), so a view that needs no row reads none."""
    token = _bearer_token()
    try:
        claims = tokens.decode(token, "access")
    except tokens.TokenRejected as exc:
        raise token_not_valid(exc.reason) from None
    facts = caller.facts_of(claims["user_id"])
    if facts is not None and tokens.issued_before(claims, facts.password_changed_at):
        raise token_not_valid("invalid")
    if facts is None or not facts.is_active:
        raise error(401, "Token is invalid")
    set_language(facts.preferred_language)
    if level in (VERIFIED, STAFF) and not facts.verified:
        raise error(401, "User account is not verified")
    if level == STAFF and not facts.is_staff:
        raise error(403, "Staff only")
    g.caller_facts = facts
    return facts.id


def caller_id() -> int:
    """The caller's id as the ladder resolved it, for views that need no more of the caller (no row is read)."""
    return g.user_id


def current_facts() -> caller.CallerFacts:
    """The facts of the caller the ladder passed on (a view that needs only those need not load the row)."""
    return g.caller_facts


def current_user() -> User:
    """The caller's row, loaded on first use in the request (the ladder itself may have read none)."""
    user = g.get("user")
    if user is None:
        user = caller.load_user(g.user_id)
        if user is None or not user.is_active:  # gone since the ladder passed (a deletion committed in between)
            raise error(401, "Token is invalid")
        g.user = user
    return user


def authenticated(level: str = VERIFIED, *, bucket: str | None = None, ip_bucket: str | None = None) -> Callable:
    """Require a token (A, A+V or staff), then count the per-user rate limit, `bucket` (per user) and `ip_bucket`
    (per client IP, such as the login bucket that account deletion shares), if any."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            g.user_id = resolve_caller(level)  # also read by the access log, which must not load the user
            throttle("user", g.user_id)
            if bucket:
                throttle(bucket, g.user_id)
            if ip_bucket:
                throttle(ip_bucket, client_ip())
            return view(*args, **kwargs)

        return Blueprint.doc(security=[{"bearerAuth": []}])(wrapper)

    return decorator


def public(*, bucket: str | None = None) -> Callable:
    """Anonymous endpoint (no security requirement in /api/schema/): the language comes from `?lang=`; `bucket` is an
    IP rate-limit bucket, documented as the endpoint's 429."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            set_language(language_from_query())
            if bucket:
                throttle(bucket, client_ip())
            return view(*args, **kwargs)

        if bucket:
            document_errors(wrapper, {429: "TOO_MANY_REQUESTS"})
        return wrapper

    return decorator
