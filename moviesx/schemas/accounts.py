"""Signup, verification and password-reset bodies, and the signup answer (API.md 5.1)."""

from __future__ import annotations

from marshmallow import fields

from moviesx.http.urls import media_url
from moviesx.schemas.base import InputSchema, OutputSchema
from moviesx.schemas.fields import Email, Str
from moviesx.services.media import DEFAULT_USER_PICTURE

NAME_MAX = 150
BIO_MAX = 1000
PASSWORD_MAX = 128  # checked before every other password rule and before any hashing (API.md 23)


class SignupSchema(InputSchema):
    """Field-level checks (type, blank, length, email format); the service adds the account rules."""

    username = Str(required=True, max_length=NAME_MAX)
    email = Email(required=True)
    first_name = Str(required=True, max_length=NAME_MAX)
    last_name = Str(required=True, max_length=NAME_MAX)
    password = Str(required=True, max_length=PASSWORD_MAX)
    confirm_password = Str(allow_blank=True)
    bio = Str(max_length=BIO_MAX, allow_blank=True)
    picture = fields.Raw(metadata={"type": "string", "format": "binary"}, load_only=True)


class VerifySchema(InputSchema):
    verification_code = fields.Raw(required=True, metadata={"type": "string", "example": "042517"})


class ResetPasswordSchema(InputSchema):
    forgot_password_code = fields.Raw(required=True, metadata={"type": "string"})
    new_password = Str(required=True)
    email = fields.Raw(required=True, metadata={"type": "string"})


def picture_url(user) -> str:
    return media_url(user.picture or DEFAULT_USER_PICTURE)


class SignupResultSchema(OutputSchema):
    """The new User (friendship null: it is the caller) plus a token pair."""

    id = fields.Integer()
    username = fields.String()
    bio = fields.String(allow_none=True)
    friendship = fields.Constant(None)
    picture = fields.String()
    access = fields.String()
    refresh = fields.String()


def signup_result(user, pair: dict[str, str]) -> dict:
    return {"id": user.id, "username": user.username, "bio": user.bio, "picture": picture_url(user), **pair}


class AccountStatusSchema(OutputSchema):
    status = fields.Raw(metadata={"description": "true, or a message"})


class GoogleLoginSchema(InputSchema):
    code = fields.Raw(required=True, metadata={"type": "string"})
