"""The public `User` shape (API.md 4) with its viewer-dependent `friendship` object."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from flask import g, has_request_context
from marshmallow import fields

from moviesx.http.urls import media_url
from moviesx.models import User
from moviesx.schemas.base import OutputSchema, cursor_of, page_of
from moviesx.services.friends import friendship_map
from moviesx.services.media import DEFAULT_USER_PICTURE


def _viewer_id() -> int | None:
    user = g.get("user") if has_request_context() else None
    return user.id if user is not None else None


class UserSchema(OutputSchema):
    """`friendship` is `null` for the caller (or without a caller, e.g. at signup).

    Lists should use `dump_users`, which computes every `friendship` in two queries; a bare
    `UserSchema().dump(user)` computes it for that one user.
    """

    id = fields.Integer()
    username = fields.String()
    bio = fields.String(allow_none=True)
    friendship = fields.Method(
        "get_friendship",
        metadata={
            "type": "object",
            "nullable": True,
            "properties": {"is_friend": {"type": "boolean"}, "status": {"type": "string", "nullable": True}},
        },
    )
    picture = fields.Function(
        lambda user: media_url(user.picture or DEFAULT_USER_PICTURE), metadata={"type": "string", "format": "uri"}
    )

    def __init__(self, *, viewer_id: int | None = None, friendships: Mapping[int, dict | None] | None = None, **kwargs):
        super().__init__(**kwargs)
        self.viewer_id = viewer_id
        self.friendships = friendships

    def get_friendship(self, user: User) -> dict | None:
        viewer_id = self.viewer_id if self.viewer_id is not None else _viewer_id()
        if viewer_id is None or user.id == viewer_id:
            return None
        if self.friendships is not None and user.id in self.friendships:
            return self.friendships[user.id]
        return friendship_map(viewer_id, [user.id])[user.id]


def dump_users(users: Sequence[User], viewer_id: int | None = None) -> list[dict]:
    """Users as seen by `viewer_id` (default: the caller), with a constant number of queries."""
    viewer_id = viewer_id if viewer_id is not None else _viewer_id()
    friendships = friendship_map(viewer_id, [user.id for user in users]) if viewer_id is not None else {}
    return UserSchema(many=True, viewer_id=viewer_id, friendships=friendships).dump(users)


def dump_user(user: User, viewer_id: int | None = None) -> dict:
    return dump_users([user], viewer_id)[0]


# Documentation-only shapes of bodies the views build with `dump_users`.
UserPageSchema = page_of(UserSchema)
UserCursorSchema = cursor_of(UserSchema)


class BioTranslationSchema(OutputSchema):
    bio = fields.String(allow_none=True)
