"""The public `User` shape (API.md 4) with its viewer-dependent `friendship`, and the users' query parameters (5.2)."""

from __future__ import annotations

from marshmallow import fields

from moviesx.http.urls import media_url
from moviesx.models import FRIEND_REQUEST_STATUSES
from moviesx.models.accounts import DEFAULT_USER_PICTURE
from moviesx.schemas.base import InputSchema, OutputSchema, cursor_of, page_of
from moviesx.schemas.query import QueryFlag, QueryText

FRIEND_REQUEST_CODES = ", ".join(f"`{code}` {label.lower()}" for code, label in FRIEND_REQUEST_STATUSES.items())

FRIENDSHIP = {
    "type": "object",
    "nullable": True,
    "description": "`null` for the caller themself; otherwise how the caller and this user are related (API.md 6.1).",
    "properties": {
        "is_friend": {"type": "boolean", "description": "Whether the two are friends (symmetric)."},
        "status": {
            "type": "string",
            "nullable": True,
            "enum": [*FRIEND_REQUEST_STATUSES, None],
            "description": f"The raw code of the friend-request row between the two, whoever sent it ({FRIEND_REQUEST_CODES}); "
            "`null` when there is none.",
        },
    },
    "required": ["is_friend", "status"],
    "additionalProperties": False,
    "example": {"is_friend": False, "status": "P"},
}


class UserSchema(OutputSchema):
    """Another user as the caller sees them.

    Dumps users that already carry their `friendship` (services.friends.seen_by, one batch per page): it runs no query.
    """

    id = fields.Integer(metadata={"example": 42})
    username = fields.String(metadata={"maxLength": 150, "pattern": "^[A-Za-z0-9_]+$", "example": "ana_garcia"})
    bio = fields.String(allow_none=True, metadata={"maxLength": 1000, "example": "Noir, westerns and anything by Agnès Varda."})
    friendship = fields.Function(lambda user: user.friendship, metadata=FRIENDSHIP)
    picture = fields.Function(
        lambda user: media_url(user.picture or DEFAULT_USER_PICTURE),
        metadata={
            "type": "string",
            "format": "uri",
            "description": "The profile picture, or the default `/media/users/default.png`.",
            "example": "https://moviesx.example/media/users/default.png",
        },
    )


UserPageSchema = page_of(UserSchema)
UserCursorSchema = cursor_of(UserSchema)


class BioTranslationSchema(OutputSchema):
    bio = fields.String(
        allow_none=True,
        metadata={
            "description": "The user's bio in the caller's language (as stored when it cannot be translated; "
            "`null` or blank as stored).",
            "example": "Cine negro, westerns y todo lo de Agnès Varda.",
        },
    )


class StatusErrorSchema(OutputSchema):
    """A friends error: one message under `status` (translated into the active language)."""

    status = fields.String(required=True, metadata={"example": "Not friends"})


# --- Query parameters (API.md 5.2) ---


class UserSearchArgs(InputSchema):
    search_query = QueryText(
        metadata={
            "description": "Case-insensitive part of the username, first name or last name (blank: every user). "
            "When absent, `name` is used."
        }
    )
    name = QueryText(load_default="", metadata={"description": "The same filter, read only when `search_query` is absent."})
    is_friend = QueryFlag(
        metadata={"description": "`true` (any case) keeps only the caller's friends, which leaves the caller out."}
    )


class UnfriendArgs(InputSchema):
    username = QueryText(
        metadata={"description": "The friend to remove, by exact username (required: absent or empty is a 400)."}
    )
