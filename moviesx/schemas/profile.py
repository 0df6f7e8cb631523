"""The caller's own account: SelfUser output and the PUT /api/users/ body (API.md 4, 5.1)."""

from __future__ import annotations

from marshmallow import fields

from moviesx.http.urls import person_url
from moviesx.schemas.accounts import BIO_MAX, NAME_MAX, PASSWORD_MAX, picture_url
from moviesx.schemas.base import InputSchema, OutputSchema
from moviesx.schemas.catalog import PlatformSchema
from moviesx.schemas.fields import Email, Str, StrList

MAX_PLATFORMS = 100
MAX_FOLLOWING_PERSONS = 1000


class ProfileUpdateSchema(InputSchema):
    """Every key optional; the view drops absent, null and "" values before loading."""

    username = Str(max_length=NAME_MAX)
    first_name = Str(max_length=NAME_MAX)
    last_name = Str(max_length=NAME_MAX)
    bio = Str(max_length=BIO_MAX, allow_blank=True)  # as at signup: a blank bio is stored as sent
    email = Email()
    password = Str(max_length=PASSWORD_MAX)
    platforms = StrList(
        max_items=MAX_PLATFORMS,
        metadata={"description": "platform slugs; replaces the set", "maxItems": MAX_PLATFORMS},
    )
    following_persons = StrList(
        max_items=MAX_FOLLOWING_PERSONS,
        metadata={"description": "person slugs; replaces the set", "maxItems": MAX_FOLLOWING_PERSONS},
    )
    picture = fields.Raw(metadata={"type": "string", "format": "binary"}, load_only=True)


class SelfUserSchema(OutputSchema):
    id = fields.Integer()
    username = fields.String()
    bio = fields.String(allow_none=True)
    email = fields.String()
    last_name = fields.String()
    first_name = fields.String()
    picture = fields.Function(picture_url)
    platforms = fields.List(fields.Nested(PlatformSchema))
    following_persons = fields.Function(lambda user: [person_url(person.slug) for person in user.following_persons])
    verified = fields.Boolean()
    boarded = fields.Boolean()
    preferred_language = fields.String()
    is_staff = fields.Boolean()


class PreferredLanguageSchema(OutputSchema):
    preferred_language = fields.String()


class PreferredLanguageInputSchema(InputSchema):
    preferred_language = fields.Raw(required=True, metadata={"type": "string", "enum": ["en", "es", "fr", "de"]})
