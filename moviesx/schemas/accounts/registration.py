"""Signup, verification, password-reset and Google bodies, the `lang` parameter and the signup answer (API.md 5.1).

The signup and profile bodies load as a `CheckedBody`: their field errors are not raised while loading, so that
the service adds its account rules (the picture, identity, matching passwords, slugs: rules that need queries or
files) and one 400 reports every failing field at once, in body order; the password rules (`{"error": [...]}`,
API.md 7.4) follow in the service, only for a body without field errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import request
from marshmallow import ValidationError, fields, missing
from marshmallow.schema import SCHEMA
from werkzeug.datastructures import FileStorage

from moviesx.http.errors import FieldErrors, error
from moviesx.http.params import arg_str
from moviesx.http.urls import media_url
from moviesx.models.accounts import DEFAULT_USER_PICTURE, LANGUAGES, PASSWORD_MAX
from moviesx.schemas.base import InputSchema, OutputSchema
from moviesx.schemas.fields import REQUIRED, Text, email_address
from moviesx.schemas.query import QueryField, QueryText

NAME_MAX = 150
BIO_MAX = 1000
USERNAME_PATTERN = "^[A-Za-z0-9_]+$"
LANGUAGE_NAMES = "`en` English, `es` Spanish, `fr` French, `de` German"
URI = {"type": "string", "format": "uri"}
ACCESS_EXAMPLE = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoiYWNjZXNzIiwidXNlcl9pZCI6NDJ9.c2lnbmF0dXJl"
REFRESH_EXAMPLE = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0b2tlbl90eXBlIjoicmVmcmVzaCIsInVzZXJfaWQiOjQyfQ.c2lnbmF0dXJl"


@dataclass(frozen=True)
class CheckedBody:
    """A body whose field checks ran: the values that passed them, the failing fields' messages, the body order."""

    values: dict[str, Any]
    errors: dict[str, Any]
    order: tuple[str, ...]

    def refuse(self, rule_errors: Mapping[str, Any]) -> None:
        """Raise the one 400 of the field errors and the service's rule errors, in body order, if there is any."""
        errors = {**self.errors, **rule_errors}
        if errors:
            raise FieldErrors({name: errors[name] for name in self.order if name in errors} | errors)


class CheckedBodySchema(InputSchema):
    """Loads a `CheckedBody` instead of raising its field errors: the service adds its rules to them (one 400)."""

    def load(self, data, **kwargs) -> CheckedBody:
        order = tuple(self.fields)
        try:
            return CheckedBody(super().load(data, **kwargs), {}, order)
        except ValidationError as exc:
            if not isinstance(exc.messages, dict) or SCHEMA in exc.messages:
                raise
            return CheckedBody(exc.valid_data or {}, exc.messages, order)


class Picture(fields.Field):
    """The uploaded file of a multipart body (the service checks it by the image rules, API.md 7.5), or None
    without one. A text value of that name is ignored."""

    def __init__(self, **kwargs):
        metadata = {"type": "string", "format": "binary", **kwargs.pop("metadata", {})}
        super().__init__(load_only=True, metadata=metadata, **kwargs)

    def deserialize(self, value, attr=None, data=None, **kwargs) -> FileStorage | None:
        return request.files.get(attr or self.name)


class SignupSchema(CheckedBodySchema):
    username = Text(
        required=True,
        max_length=NAME_MAX,
        metadata={
            "pattern": USERNAME_PATTERN,
            "description": "Letters, digits and underscores; unique ignoring case; not `onboarding`, `friends` or `searching`.",
            "example": "ada_l",
        },
    )
    email = Text(
        max_length=254,
        validate=email_address,
        required=True,
        metadata={"format": "email", "description": "Unique ignoring case.", "example": "ada@example.com"},
    )
    first_name = Text(required=True, max_length=NAME_MAX, metadata={"example": "Ada"})
    last_name = Text(required=True, max_length=NAME_MAX, metadata={"example": "Lovelace"})
    password = Text(
        required=True,
        max_length=PASSWORD_MAX,
        metadata={
            "format": "password",
            "description": "At least 10 characters, not common, not entirely numeric, not similar to the username or "
            'the email: a refused password is a 400 `{"error": [...]}` listing every rule it fails.',
            "example": "analytical-engine-1843",
        },
    )
    confirm_password = Text(allow_blank=True, metadata={"format": "password", "description": "When sent, must equal `password`."})
    bio = Text(max_length=BIO_MAX, allow_blank=True, metadata={"example": "I watch one film a day."})
    picture = Picture(metadata={"description": "A JPEG, PNG, GIF or WebP image of at most 5 MB (multipart only)."})


class LanguageQuery(QueryField, fields.String):
    """`lang`: a supported code; any other value counts as absent (English, API.md 1.6)."""

    def read(self, key: str) -> str | None:
        value = arg_str(key)
        return value if value in LANGUAGES else None


def language_query(description: str) -> LanguageQuery:
    return LanguageQuery(
        load_default="en",
        metadata={"enum": list(LANGUAGES), "description": f"{description} ({LANGUAGE_NAMES}; anything else is `en`)."},
    )


class LanguageArgs(InputSchema):
    """`lang` of an anonymous endpoint: the language of its messages."""

    lang = language_query("Language of the messages")


class NewAccountLanguageArgs(InputSchema):
    """`lang` of an endpoint that may create an account: also that account's `preferred_language`."""

    lang = language_query("Language of the messages and of a new account's `preferred_language`")


class QueryEmail(QueryText):
    """The `email` of the forgot-password GET: absent or blank is `This field is required.`; any other text counts."""

    def __init__(self, **kwargs):
        super().__init__(required=True, error_messages={"required": REQUIRED}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if not value.strip():
            raise ValidationError(REQUIRED)
        return value


class ForgotPasswordArgs(InputSchema):
    email = QueryEmail(
        metadata={
            "format": "email",
            "description": "The account's address, ignoring case (an invalid address is answered like an unknown one).",
            "example": "ada@example.com",
        }
    )
    lang = language_query("Language of the messages")


class VerificationCode(fields.Raw):
    """Any value: one that is not the outstanding code (wrong type, null, blank included) is a wrong attempt."""

    def __init__(self, **kwargs):
        metadata = {
            "type": "string",
            "pattern": "^[0-9]{6}$",
            "description": "The 6-digit code that was emailed; a JSON number is read as its decimal string.",
            "example": "042517",
            **kwargs.pop("metadata", {}),
        }
        super().__init__(required=True, allow_none=True, metadata=metadata, **kwargs)


class VerifySchema(InputSchema):
    verification_code = VerificationCode()


class ResetPasswordSchema(InputSchema):
    """The three keys are required; their values are checked by the service, the code first (API.md 5.1)."""

    forgot_password_code = VerificationCode(metadata={"description": "The 6-digit code of the reset email."})
    new_password = fields.Raw(
        required=True,
        allow_none=True,
        metadata={
            "type": "string",
            "format": "password",
            "maxLength": PASSWORD_MAX,
            "description": 'The password rules of signup; a refused password is a 400 `{"error": [...]}`.',
            "example": "analytical-engine-1843",
        },
    )
    email = fields.Raw(
        required=True, allow_none=True, metadata={"type": "string", "format": "email", "example": "ada@example.com"}
    )


class AuthorizationCode(Text):
    """Google's authorization code: blank counts as absent (400 `Missing required fields`, API.md 5.1)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.strip():
            raise error(400, "Missing required fields")
        return super()._deserialize(value, attr, data, **kwargs)


class GoogleLoginSchema(InputSchema):
    code = AuthorizationCode(
        required=True,
        metadata={"description": "The authorization code Google gave the client.", "example": "4/0AbCD_efGhIjKlMnOp"},
    )


class LanguageCode(fields.Field):
    """One of `en`, `es`, `fr`, `de`; any other value, `null` included, is 400 `Invalid language code` (API.md 3.2a)."""

    def deserialize(self, value, attr=None, data=None, **kwargs) -> str:
        if value is missing:
            raise ValidationError(REQUIRED)
        if not isinstance(value, str) or value not in LANGUAGES:
            raise error(400, "Invalid language code")
        return value


def picture_url(user) -> str:
    return media_url(user.picture or DEFAULT_USER_PICTURE)


class SignupResultSchema(OutputSchema):
    """The new User (`friendship` is null: it is the caller) plus a token pair."""

    id = fields.Integer(metadata={"example": 42})
    username = fields.String(metadata={"example": "ada_l"})
    bio = fields.String(allow_none=True, metadata={"example": "I watch one film a day."})
    friendship = fields.Constant(None, metadata={"type": "object", "nullable": True, "enum": [None]})
    picture = fields.String(metadata={**URI, "example": "https://moviesx.example/media/users/default.png"})
    access = fields.String(metadata={"description": "Access token (JWT).", "example": ACCESS_EXAMPLE})
    refresh = fields.String(metadata={"description": "Refresh token (JWT).", "example": REFRESH_EXAMPLE})


def signup_result(user, pair: dict[str, str]) -> dict:
    return {"id": user.id, "username": user.username, "bio": user.bio, "picture": picture_url(user), **pair}


class AccountStatusSchema(OutputSchema):
    """`{"status": true}`."""

    status = fields.Boolean(metadata={"enum": [True]})


class PasswordRulesSchema(OutputSchema):
    """400 of a refused password (API.md 7.4): every rule it fails, in the rules' order."""

    error = fields.List(
        fields.String(),
        required=True,
        metadata={
            "example": ["This password is too short. It must contain at least 10 characters.", "This password is too common."]
        },
    )


def _component(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


PASSWORD_RULES_BAD_REQUEST = {
    "description": "Body parsing, field validation (every failing field at once), then, only without field errors, "
    'the password rules (`{"error": [...]}`, every rule the password fails).',
    "schema": {"anyOf": [_component("ErrorMessage"), _component("FieldErrors"), PasswordRulesSchema]},
    "examples": {
        "field_errors": {"value": {"username": ["A user with that username already exists."], "first_name": [REQUIRED]}},
        "password_rules": {
            "value": {
                "error": [
                    "This password is too short. It must contain at least 10 characters.",
                    "This password is too common.",
                    "This password is entirely numeric.",
                ]
            }
        },
    },
}
"""`@blp.alt_response(400, **PASSWORD_RULES_BAD_REQUEST)`: the 400 of the endpoints that set a password."""
