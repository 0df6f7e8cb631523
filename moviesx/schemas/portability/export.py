"""The export document (API.md 18): the caller's own data; movies by slug, other users by username."""

from __future__ import annotations

from marshmallow import fields

from moviesx.models import EMOJIS, FRIEND_REQUEST_STATUSES, LANGUAGES, PRIVACY_CODES
from moviesx.schemas.base import OutputSchema
from moviesx.schemas.lists import UTCDateTime

SLUG = {"description": "A movie slug.", "example": "the-matrix"}


def _slugs(description: str) -> fields.List:
    return fields.List(fields.String(), metadata={"description": description})


class ExportProfileSchema(OutputSchema):
    username = fields.String()
    email = fields.String()
    first_name = fields.String()
    last_name = fields.String()
    bio = fields.String(allow_none=True)
    preferred_language = fields.String(metadata={"enum": list(LANGUAGES)})
    verified = fields.Boolean()
    boarded = fields.Boolean()
    date_joined = UTCDateTime(metadata={"type": "string", "format": "date-time"})
    platforms = _slugs("Slugs of the caller's streaming platforms.")
    following_persons = _slugs("Slugs of the persons the caller follows.")


class ExportRatingSchema(OutputSchema):
    movie = fields.String(metadata=SLUG)
    title = fields.String(metadata={"description": "The movie's base (untranslated) title."})
    year = fields.Integer(metadata={"description": "The movie's release year."})
    rating = fields.Integer(metadata={"minimum": 1, "maximum": 5})
    created_at = UTCDateTime(metadata={"type": "string", "format": "date-time"})


class ExportReviewSchema(OutputSchema):
    id = fields.Integer()
    movie = fields.String(metadata=SLUG)
    title = fields.String()
    content = fields.String()
    is_positive = fields.Boolean()
    created_at = UTCDateTime(metadata={"type": "string", "format": "date-time"})


class ExportCommentSchema(OutputSchema):
    id = fields.Integer()
    review = fields.Integer(metadata={"description": "The id of the review the comment is under."})
    reply_to = fields.Integer(allow_none=True, metadata={"description": "The id of the parent comment (null: top level)."})
    content = fields.String()
    created_at = UTCDateTime(metadata={"type": "string", "format": "date-time"})


class ExportReactionSchema(OutputSchema):
    emoji_code = fields.String(metadata={"enum": list(EMOJIS)})
    review = fields.Integer(allow_none=True, metadata={"description": "The review reacted to (null on a comment)."})
    comment = fields.Integer(allow_none=True, metadata={"description": "The comment reacted to (null on a review)."})
    created_at = UTCDateTime(metadata={"type": "string", "format": "date-time"})


class ExportWatchlistEntrySchema(OutputSchema):
    movie = fields.String(metadata=SLUG)
    created_at = UTCDateTime(metadata={"type": "string", "format": "date-time"})


class ExportWatchSchema(OutputSchema):
    movie = fields.String(metadata=SLUG)
    watched_on = fields.Date()
    rating = fields.Integer(allow_none=True, metadata={"minimum": 1, "maximum": 5})
    note = fields.String()
    created_at = UTCDateTime(metadata={"type": "string", "format": "date-time"})


class ExportListSchema(OutputSchema):
    name = fields.String()
    slug = fields.String()
    description = fields.String()
    privacity = fields.String(metadata={"enum": list(PRIVACY_CODES)})
    movies = _slugs("Slugs of the list's movies, in list order.")
    created_at = UTCDateTime(metadata={"type": "string", "format": "date-time"})


class ExportFriendRequestSchema(OutputSchema):
    from_user = fields.String(metadata={"description": "Username of the sender."})
    to_user = fields.String(metadata={"description": "Username of the recipient."})
    status = fields.String(metadata={"enum": list(FRIEND_REQUEST_STATUSES), "description": "The raw code."})
    created_at = UTCDateTime(metadata={"type": "string", "format": "date-time"})


class ExportSchema(OutputSchema):
    format = fields.Constant("moviesx-export", metadata={"type": "string", "enum": ["moviesx-export"]})
    version = fields.Integer(metadata={"enum": [1]})
    exported_at = UTCDateTime(metadata={"type": "string", "format": "date-time"})
    profile = fields.Nested(ExportProfileSchema)
    ratings = fields.List(fields.Nested(ExportRatingSchema))
    reviews = fields.List(fields.Nested(ExportReviewSchema))
    comments = fields.List(fields.Nested(ExportCommentSchema))
    reactions = fields.List(fields.Nested(ExportReactionSchema))
    unseen = _slugs("Slugs of the movies the caller marked unseen.")
    watchlist = fields.List(fields.Nested(ExportWatchlistEntrySchema))
    diary = fields.List(fields.Nested(ExportWatchSchema))
    lists = fields.List(fields.Nested(ExportListSchema))
    friends = fields.List(fields.String(), metadata={"description": "Usernames of the caller's friends."})
    friend_requests = fields.List(fields.Nested(ExportFriendRequestSchema))
