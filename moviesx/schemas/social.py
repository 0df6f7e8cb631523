"""Input bodies and output shapes of the social features (API.md 4, 5.3, 5.5)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from marshmallow import ValidationError, fields, missing

from moviesx.http.errors import translate
from moviesx.http.urls import comment_url, movie_url, user_url
from moviesx.models import EMOJIS, FRIEND_REQUEST_STATUSES, Comment, FriendRequest, Review
from moviesx.schemas.base import InputSchema, OutputSchema, cursor_of, page_of
from moviesx.schemas.fields import REQUIRED, Bool, Int, Str, choice_message


def api_datetime(moment: datetime) -> str:
    """UTC ISO 8601 with microseconds and `Z` (API.md 1.4)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- Input ---------------------------------------------------------------------------------------


class RatingInputSchema(InputSchema):
    rating = Int(required=True, minimum=1, maximum=5)


class ReviewInputSchema(InputSchema):
    title = Str(required=True, max_length=128)
    content = Str(required=True, max_length=256)
    is_positive = Bool(required=True)


class CommentInputSchema(InputSchema):
    content = Str(required=True, max_length=1000)


class EmojiCode(fields.Field):
    """One of the 16 codes; anything else, `null` included, is `Value 'X' is not a valid choice.` (API.md 3.2a)."""

    def deserialize(self, value, attr=None, data=None, **kwargs):
        if value is missing:
            raise ValidationError(REQUIRED)
        if not isinstance(value, str) or value not in EMOJIS:
            raise ValidationError(choice_message(value))
        return value


class ReactionInputSchema(InputSchema):
    emoji_code = EmojiCode(required=True)


# --- Output --------------------------------------------------------------------------------------


class ReviewSchema(OutputSchema):
    """Needs `review.movie` and `review.user` loaded (see services.reviews.review_load_options)."""

    id = fields.Integer()
    title = fields.String()
    movie = fields.Function(lambda review: movie_url(review.movie.slug), metadata={"type": "string", "format": "uri"})
    user = fields.Function(lambda review: user_url(review.user.username), metadata={"type": "string", "format": "uri"})
    content = fields.String()
    is_positive = fields.Boolean()
    created_at = fields.Function(
        lambda review: api_datetime(review.created_at), metadata={"type": "string", "format": "date-time"}
    )


class RatingSchema(OutputSchema):
    id = fields.Integer()
    user = fields.Function(lambda rating: user_url(rating.user.username), metadata={"type": "string", "format": "uri"})
    movie = fields.Function(lambda rating: movie_url(rating.movie.slug), metadata={"type": "string", "format": "uri"})
    rating = fields.Integer()
    created_at = fields.Function(
        lambda rating: api_datetime(rating.created_at), metadata={"type": "string", "format": "date-time"}
    )


class FriendRequestSchema(OutputSchema):
    """A friend request between two users (API.md 6.1); users are their URLs."""

    id = fields.Integer(metadata={"example": 7})
    from_user = fields.Function(
        lambda row: user_url(row.from_user.username),
        metadata={"type": "string", "format": "uri", "example": "https://moviesx.example/api/users/ana_garcia/"},
    )
    to_user = fields.Function(
        lambda row: user_url(row.to_user.username),
        metadata={"type": "string", "format": "uri", "example": "https://moviesx.example/api/users/bob/"},
    )
    status = fields.Function(
        lambda row: translate(FRIEND_REQUEST_STATUSES[row.status]),
        metadata={
            "type": "string",
            "description": "The label of the request's state in the active language: "
            + ", ".join(f"`{label}`" for label in FRIEND_REQUEST_STATUSES.values())
            + " (in English).",
            "example": "Pending",
        },
    )


class CommentSchema(OutputSchema):
    """`has_replies` comes from `replied_ids` (computed for the whole page by services.reviews.replied_ids)."""

    id = fields.Integer()
    user = fields.Function(lambda comment: user_url(comment.user.username), metadata={"type": "string", "format": "uri"})
    content = fields.String()
    created_at = fields.Function(
        lambda comment: api_datetime(comment.created_at), metadata={"type": "string", "format": "date-time"}
    )
    reply_comment = fields.Function(
        lambda comment: comment_url(comment.review_id, comment.parent_id) if comment.parent_id is not None else None,
        metadata={"type": "string", "format": "uri", "nullable": True},
    )
    has_replies = fields.Method("get_has_replies", metadata={"type": "boolean"})

    def __init__(self, *, replied_ids: set[int] | frozenset[int] = frozenset(), **kwargs):
        super().__init__(**kwargs)
        self.replied_ids = replied_ids

    def get_has_replies(self, comment: Comment) -> bool:
        return comment.id in self.replied_ids


# Envelopes: views that return rows are dumped with them; views that still return bodies already dumped
# with the schemas above (so that a whole page is serialized with batched queries) use them as documentation.

ReviewCursorSchema = cursor_of(ReviewSchema)
RatingPageSchema = page_of(RatingSchema)
FriendRequestCursorSchema = cursor_of(FriendRequestSchema)
CommentCursorSchema = cursor_of(CommentSchema)


class ReactionSummarySchema(OutputSchema):
    """Counts per emoji character, and the caller's own reaction id per emoji character."""

    reactions = fields.Dict(keys=fields.String(), values=fields.Integer())
    your_reactions = fields.Dict(keys=fields.String(), values=fields.Integer())


class ReactionCreatedSchema(OutputSchema):
    status = fields.Boolean()
    id = fields.Integer()


class ReviewTranslationSchema(OutputSchema):
    title = fields.String()
    content = fields.String()


class CommentTranslationSchema(OutputSchema):
    content = fields.String()


def dump_reviews(reviews: Sequence[Review]) -> list[dict]:
    return ReviewSchema(many=True).dump(reviews)


def dump_friend_requests(rows: Sequence[FriendRequest]) -> list[dict]:
    return FriendRequestSchema(many=True).dump(rows)
