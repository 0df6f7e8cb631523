"""The body of DELETE /api/me/ (API.md 18): the confirmation of an account deletion."""

from __future__ import annotations

from marshmallow import fields

from moviesx.schemas.base import InputSchema


class DeleteAccountSchema(InputSchema):
    """Values are taken as sent: one that is not the account's password (or username) is refused as such, whatever
    its type, like a wrong one."""

    password = fields.Raw(
        allow_none=True,
        metadata={
            "type": "string",
            "format": "password",
            "description": "The account's password; required when the account has one.",
            "example": "analytical-engine-1843",
        },
    )
    username = fields.Raw(
        allow_none=True,
        metadata={
            "type": "string",
            "description": "The account's own username (exactly): required, instead of a password, for an account "
            "without one (created by Google login), with an access token issued less than 10 minutes ago.",
            "example": "ada_l",
        },
    )


DELETION_REFUSED = {
    "description": "Body parsing (`Invalid JSON body`, or `Missing required fields` when the confirmation the "
    "account needs is absent), or the confirmation is refused.",
    "schema": {"$ref": "#/components/schemas/ErrorMessage"},
    "examples": {
        "missing": {"value": {"error": "Missing required fields"}},
        "password": {"value": {"error": "Password is incorrect"}},
        "username": {"value": {"error": "Username does not match"}},
        "stale_login": {"value": {"error": "Please sign in again to delete your account"}},
    },
}
