"""Friends' activity (API.md 16): the query parameters, the Activity shape and its page."""

from __future__ import annotations

from marshmallow import fields

from moviesx.http.urls import list_url, user_url
from moviesx.schemas.base import InputSchema, OutputSchema
from moviesx.schemas.catalog.items import EXAMPLE_ROOT, URL, MovieSchema
from moviesx.schemas.query import MAX_LIMIT, QueryArray, QueryDigits, QueryText
from moviesx.schemas.social.activity import ReviewSchema, api_datetime
from moviesx.schemas.social.users import UserSchema

ACTIVITY_KINDS = {
    "rated": "a rating, at the time its value was last set, with its current `rating` and `movie`",
    "reviewed": "a live review, with `review` and `movie`",
    "watched": "a diary entry, with `movie` and the watch's `rating` (`null` when it has none)",
    "watchlisted": "a watchlist entry, with `movie`",
    "listed": "a movie list the caller may see (public or friends-only), with `list`",
    "friended": "a friendship with another active user who is not the caller, with `friend`",
}
DEFAULT_LIMIT = 20
KIND_LINES = "\n".join(f"* `{kind}`: {meaning}." for kind, meaning in ACTIVITY_KINDS.items())


class ActivityArgs(InputSchema):
    cursor = QueryText(
        metadata={
            "description": "The `next_cursor` of the previous page: the items strictly after that one. Absent for the "
            'first page; one that cannot be decoded is 400 `{"error": "Invalid cursor"}`.'
        }
    )
    limit = QueryDigits(
        load_default=DEFAULT_LIMIT,
        metadata={
            "description": f"Items per page: absent, non-digit or 0 means {DEFAULT_LIMIT}; "
            f"above {MAX_LIMIT} counts as {MAX_LIMIT}.",
        },
    )
    kinds = QueryArray(
        data_key="kinds[]",
        metadata={
            "description": "Only these kinds (" + ", ".join(f"`{kind}`" for kind in ACTIVITY_KINDS) + "). Unknown values "
            "are ignored; when no known kind remains, every kind is listed.",
        },
    )


class ActivitySchema(OutputSchema):
    """Dumps services.activity.stream.Activity, whose objects are loaded in batches: it runs no query."""

    id = fields.String(
        metadata={
            "description": "Opaque, unique across kinds and stable between requests; ids compare by code point.",
            "example": "rated-0000000000000000042",
        }
    )
    kind = fields.String(metadata={"enum": list(ACTIVITY_KINDS), "description": KIND_LINES, "example": "rated"})
    user = fields.Nested(UserSchema, metadata={"description": "The friend whose activity this is."})
    movie = fields.Nested(
        MovieSchema,
        allow_none=True,
        metadata={"description": "For `rated`, `reviewed`, `watched` and `watchlisted`; `null` otherwise."},
    )
    rating = fields.Integer(
        allow_none=True,
        metadata={
            "minimum": 1,
            "maximum": 5,
            "description": "`rated`: the current rating; `watched`: the watch's rating (or `null`); `null` otherwise.",
            "example": 4,
        },
    )
    review = fields.Nested(ReviewSchema, allow_none=True, metadata={"description": "For `reviewed`; `null` otherwise."})
    list = fields.Function(
        lambda item: list_url(item.user.username, item.list.slug) if item.list is not None else None,
        metadata={
            **URL,
            "nullable": True,
            "description": "For `listed`: the list's URL; `null` otherwise.",
            "example": f"{EXAMPLE_ROOT}/api/movies-lists/ana_garcia/noir-nights/",
        },
    )
    friend = fields.Function(
        lambda item: user_url(item.friend.username) if item.friend is not None else None,
        metadata={
            **URL,
            "nullable": True,
            "description": "For `friended`: the user's new friend; `null` otherwise.",
            "example": f"{EXAMPLE_ROOT}/api/users/bob/",
        },
    )
    created_at = fields.Function(
        lambda item: api_datetime(item.created_at),
        metadata={
            "type": "string",
            "format": "date-time",
            "description": "When it happened (for `rated`, when the value was last set).",
            "example": "2026-04-16T10:20:30.123456Z",
        },
    )


class ActivityPageSchema(OutputSchema):
    results = fields.List(fields.Nested(ActivitySchema))
    next_cursor = fields.String(
        allow_none=True,
        metadata={
            "maxLength": 200,
            "description": "Pass it as `cursor` for the next page; `null` on the last page.",
        },
    )
