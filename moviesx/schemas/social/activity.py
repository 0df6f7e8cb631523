"""Input bodies and output shapes of the social features (API.md 4, 5.3, 5.5)."""

from __future__ import annotations

from datetime import datetime

from marshmallow import ValidationError, fields, missing

from moviesx.http.errors import translate
from moviesx.http.urls import comment_url, movie_url, user_url
from moviesx.models import EMOJIS, FRIEND_REQUEST_STATUSES
from moviesx.schemas.base import InputSchema, OutputSchema, cursor_of, page_of
from moviesx.schemas.fields import REQUIRED, JsonBoolean, Text, WholeNumber, bounded, choice_message


def api_datetime(moment: datetime) -> str:
    """UTC ISO 8601 with microseconds and `Z` (API.md 1.4)."""
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


# --- Input ---------------------------------------------------------------------------------------


class RatingInputSchema(InputSchema):
    rating = WholeNumber(required=True, validate=bounded(1, 5))


class ReviewInputSchema(InputSchema):
    """A review's body, for creating (POST on a movie) and editing (PUT): every key required."""

    title = Text(required=True, max_length=128, metadata={"example": "A quiet masterpiece"})
    content = Text(
        required=True,
        max_length=256,
        metadata={"example": "Slow to start, but the last act is worth every minute."},
    )
    is_positive = JsonBoolean(
        required=True, metadata={"description": "Whether the review recommends the movie.", "example": True}
    )


class CommentInputSchema(InputSchema):
    content = Text(required=True, max_length=1000, metadata={"example": "The ending surprised me too."})


EMOJI_TABLE = "\n".join(["| code | emoji |", "|---|---|", *(f"| `{code}` | {char} |" for code, char in EMOJIS.items())])
EMOJI_DESCRIPTION = (
    'One of the 16 emoji codes (case-sensitive); anything else, `null` and `""` included, is 400 '
    f'`{{"emoji_code": ["Value \'X\' is not a valid choice."]}}`. The summary shows each as its emoji:\n\n{EMOJI_TABLE}'
)


class EmojiCode(fields.Field):
    """One of the 16 codes; anything else, `null` included, is `Value 'X' is not a valid choice.` (API.md 3.2a)."""

    def __init__(self, **kwargs):
        metadata = {"type": "string", "enum": list(EMOJIS), "description": EMOJI_DESCRIPTION, "example": "LOVE"}
        super().__init__(metadata=metadata, **kwargs)

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

    id = fields.Integer(metadata={"example": 42})
    title = fields.String(metadata={"example": "A quiet masterpiece"})
    movie = fields.Function(
        lambda review: movie_url(review.movie.slug),
        metadata={"type": "string", "format": "uri", "example": "https://moviesx.example/api/movies/the-matrix/"},
    )
    user = fields.Function(
        lambda review: user_url(review.user.username),
        metadata={"type": "string", "format": "uri", "example": "https://moviesx.example/api/users/ada/"},
    )
    content = fields.String(metadata={"example": "Slow to start, but the last act is worth every minute."})
    is_positive = fields.Boolean(metadata={"example": True})
    created_at = fields.Function(
        lambda review: api_datetime(review.created_at),
        metadata={"type": "string", "format": "date-time", "example": "2026-04-16T10:20:30.123456Z"},
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
    """Needs `comment.user` loaded; `has_replies` is loaded with the row (models.social.Comment)."""

    id = fields.Integer(metadata={"example": 7})
    user = fields.Function(
        lambda comment: user_url(comment.user.username),
        metadata={"type": "string", "format": "uri", "example": "https://moviesx.example/api/users/grace/"},
    )
    content = fields.String(metadata={"example": "The ending surprised me too."})
    created_at = fields.Function(
        lambda comment: api_datetime(comment.created_at),
        metadata={"type": "string", "format": "date-time", "example": "2026-04-16T11:02:44.000512Z"},
    )
    reply_comment = fields.Function(
        lambda comment: comment_url(comment.review_id, comment.parent_id) if comment.parent_id is not None else None,
        metadata={
            "type": "string",
            "format": "uri",
            "nullable": True,
            "description": "The comment this one replies to; `null` for a top-level comment.",
            "example": "https://moviesx.example/api/reviews/42/comments/5/",
        },
    )
    has_replies = fields.Boolean(metadata={"description": "Whether at least one live reply exists.", "example": False})


# Envelopes: views that return rows are dumped with them; views that still return bodies already dumped
# with the schemas above (so that a whole page is serialized with batched queries) use them as documentation.

ReviewCursorSchema = cursor_of(ReviewSchema)
RatingPageSchema = page_of(RatingSchema)
FriendRequestCursorSchema = cursor_of(FriendRequestSchema)
CommentCursorSchema = cursor_of(CommentSchema)


EMOJI_KEYS = "Keys are emoji characters (not codes), in the order of the emoji table, only those with a live reaction."


class ReactionSummarySchema(OutputSchema):
    """Counts per emoji character, and the caller's own reaction id per emoji character."""

    reactions = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(metadata={"minimum": 1}),
        metadata={
            "description": f"How many live reactions each emoji has. {EMOJI_KEYS}",
            "example": {EMOJIS["LIKE"]: 3, EMOJIS["LOVE"]: 1},
        },
    )
    your_reactions = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={
            "description": f"The id of the caller's own reaction per emoji (for DELETE). {EMOJI_KEYS}",
            "example": {EMOJIS["LIKE"]: 118},
        },
    )


class ReactionCreatedSchema(OutputSchema):
    status = fields.Boolean(metadata={"enum": [True], "example": True})
    id = fields.Integer(metadata={"description": "The new reaction's id.", "example": 118})


class ReviewTranslationSchema(OutputSchema):
    title = fields.String(metadata={"example": "Une \u0153uvre discr\u00e8te"})
    content = fields.String(metadata={"example": "Lent au d\u00e9but, mais le dernier acte vaut chaque minute."})


class CommentTranslationSchema(OutputSchema):
    content = fields.String(metadata={"example": "La fin m'a surpris aussi."})
