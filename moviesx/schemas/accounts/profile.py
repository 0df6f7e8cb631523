"""The caller's own account: SelfUser output, the PUT /api/users/ body and the language bodies (API.md 4, 5.1)."""

from __future__ import annotations

from typing import Any

from marshmallow import fields, pre_load

from moviesx.http.urls import person_url
from moviesx.models import LANGUAGES
from moviesx.schemas.accounts.registration import (
    BIO_MAX,
    LANGUAGE_NAMES,
    NAME_MAX,
    PASSWORD_MAX,
    URI,
    USERNAME_PATTERN,
    CheckedBodySchema,
    LanguageCode,
    Picture,
    picture_url,
)
from moviesx.schemas.base import InputSchema, OutputSchema
from moviesx.schemas.catalog.items import PlatformSchema
from moviesx.schemas.fields import StrList, Text, email_address

MAX_PLATFORMS = 100
MAX_FOLLOWING_PERSONS = 1000


class ProfileUpdateSchema(CheckedBodySchema):
    """Every key optional: absent, null and "" are ignored; otherwise the signup rules apply. The slug arrays load
    as strings (capped, checked, deduplicated); the service resolves them to the rows they name."""

    username = Text(max_length=NAME_MAX, metadata={"pattern": USERNAME_PATTERN, "example": "ada_l"})
    first_name = Text(max_length=NAME_MAX, metadata={"example": "Ada"})
    last_name = Text(max_length=NAME_MAX, metadata={"example": "Lovelace"})
    bio = Text(max_length=BIO_MAX, allow_blank=True, metadata={"description": "Cannot be emptied.", "example": "Sci-fi first."})
    email = Text(
        max_length=254,
        validate=email_address,
        metadata={
            "format": "email",
            "description": "A different address (ignoring case) sets `verified` to false and emails a new code.",
            "example": "ada@example.com",
        },
    )
    password = Text(
        max_length=PASSWORD_MAX,
        metadata={
            "format": "password",
            "description": "The password rules of signup; a new password revokes every earlier token.",
        },
    )
    platforms = StrList(
        max_items=MAX_PLATFORMS,
        metadata={
            "description": "Platform slugs; replaces the set (`[]` empties it). In multipart, one text field holding "
            "the JSON array.",
            "maxItems": MAX_PLATFORMS,
            "example": ["netflix", "mubi"],
        },
    )
    following_persons = StrList(
        max_items=MAX_FOLLOWING_PERSONS,
        metadata={
            "description": "Person slugs; replaces the set (`[]` empties it). In multipart, one text field holding "
            "the JSON array.",
            "maxItems": MAX_FOLLOWING_PERSONS,
            "example": ["agnes-varda"],
        },
    )
    picture = Picture(metadata={"description": "A JPEG, PNG, GIF or WebP image of at most 5 MB (multipart only)."})

    @pre_load
    def ignore_empty_values(self, data: dict[str, Any], **kwargs) -> dict[str, Any]:
        return {key: value for key, value in data.items() if value is not None and value != ""}


class SelfUserSchema(OutputSchema):
    id = fields.Integer(metadata={"example": 42})
    username = fields.String(metadata={"example": "ada_l"})
    bio = fields.String(allow_none=True, metadata={"example": "I watch one film a day."})
    email = fields.String(metadata={"format": "email", "example": "ada@example.com"})
    last_name = fields.String(metadata={"example": "Lovelace"})
    first_name = fields.String(metadata={"example": "Ada"})
    picture = fields.Function(picture_url, metadata={**URI, "example": "https://moviesx.example/media/users/default.png"})
    platforms = fields.List(
        fields.Nested(PlatformSchema), metadata={"description": "The streaming services the user has, by id."}
    )
    following_persons = fields.Function(
        lambda user: [person_url(person.slug) for person in user.following_persons],
        metadata={
            "type": "array",
            "items": URI,
            "description": "URLs of the persons the user follows, by id.",
            "example": ["https://moviesx.example/api/persons/agnes-varda/"],
        },
    )
    verified = fields.Boolean(metadata={"description": "The email address is confirmed.", "example": True})
    boarded = fields.Boolean(metadata={"description": "Onboarding is finished.", "example": False})
    preferred_language = fields.String(metadata={"enum": list(LANGUAGES), "example": "en"})
    is_staff = fields.Boolean(metadata={"example": False})


class PreferredLanguageSchema(OutputSchema):
    preferred_language = fields.String(metadata={"enum": list(LANGUAGES), "description": LANGUAGE_NAMES, "example": "es"})


class PreferredLanguageInputSchema(InputSchema):
    preferred_language = LanguageCode(
        required=True,
        metadata={
            "type": "string",
            "enum": list(LANGUAGES),
            "description": f"{LANGUAGE_NAMES}; any other value is 400 `Invalid language code`.",
            "example": "es",
        },
    )
