"""Login, refresh and logout bodies, the token shapes they return, and their 401 bodies (API.md 2.3, 5.1)."""

from marshmallow import fields

from moviesx.schemas.accounts.registration import ACCESS_EXAMPLE, REFRESH_EXAMPLE
from moviesx.schemas.base import InputSchema, OutputSchema
from moviesx.schemas.fields import Text


class LoginSchema(InputSchema):
    username = Text(required=True, metadata={"description": "Matched ignoring case.", "example": "ada_l"})
    password = Text(required=True, metadata={"format": "password", "example": "analytical-engine-1843"})


class RefreshSchema(InputSchema):
    refresh = Text(required=True, metadata={"description": "A refresh token.", "example": REFRESH_EXAMPLE})


class TokenPairSchema(OutputSchema):
    refresh = fields.String(
        metadata={
            "description": "Refresh token (JWT): not rotated; revoked by logout or a password change.",
            "example": REFRESH_EXAMPLE,
        }
    )
    access = fields.String(metadata={"description": "Access token (JWT) for `Authorization: Bearer`.", "example": ACCESS_EXAMPLE})


class AccessTokenSchema(OutputSchema):
    access = fields.String(metadata={"description": "A new access token (JWT).", "example": ACCESS_EXAMPLE})


class TokenRefusedSchema(OutputSchema):
    """401 of login, refresh, logout and Google login: credentials or a refresh token refused."""

    detail = fields.String(required=True, metadata={"example": "Token is invalid or expired"})
    code = fields.String(
        metadata={
            "enum": ["token_not_valid", "no_active_account"],
            "description": "Present on refresh and logout.",
            "example": "token_not_valid",
        }
    )


def _component(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}}


def token_refused(description: str, **examples: dict) -> dict:
    """`@blp.alt_response(401, **token_refused(...))`: the 401 bodies of login, refresh, logout and Google login."""
    return {
        "description": description,
        "schema": TokenRefusedSchema,
        "examples": {name: {"value": value} for name, value in examples.items()},
    }


NO_ACTIVE_ACCOUNT = {"detail": "No active account found with the given credentials"}
TOKEN_INVALID = {"detail": "Token is invalid or expired", "code": "token_not_valid"}


def cooldown(message: str) -> dict:
    """`@blp.alt_response(429, **cooldown(...))`: the IP rate limit, or the endpoint's email cooldown (API.md 7.3)."""
    return {
        "description": "Rate limited (API.md 7.6, `detail`), or an email was sent less than 60 seconds ago "
        "(API.md 7.3, `error`); `Retry-After` gives the seconds left.",
        "schema": {"anyOf": [_component("Throttled"), _component("ErrorMessage")]},
        "headers": RETRY_AFTER,
        "examples": {
            "cooldown": {"value": {"error": message}},
            "throttled": {"value": {"detail": "Request was throttled. Expected available in 42 seconds."}},
        },
    }
