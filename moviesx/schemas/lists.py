"""Movie lists (API.md 4 MovieList, 5.4): the create/update body and the output shapes."""

from __future__ import annotations

from datetime import datetime

from marshmallow import ValidationError, fields

from moviesx.http.urls import movie_url, user_url
from moviesx.models.lists import PRIVACY_CODES, list_slug
from moviesx.schemas.base import InputSchema, OutputSchema, cursor_of, page_of
from moviesx.schemas.base import SuccessSchema as SuccessSchema  # re-exported for the lists blueprint
from moviesx.schemas.catalog.items import MovieSchema
from moviesx.schemas.fields import BLANK, Choice, Text
from moviesx.schemas.query import QueryArray, QueryFlag, QueryText

EMPTY_SLUG = "Enter a name that contains at least one letter or number."


def slug_is_not_empty(name: str) -> str:
    """Validator: a list name must give a slug (API.md 6.9)."""
    if not list_slug(name):
        raise ValidationError(EMPTY_SLUG)
    return name


PRIVACITY_DESCRIPTION = "Who may see the list: `P` public, `F` the owner's friends, `R` only the owner."


class Privacity(Choice):
    """`P`, `F` or `R`; a blank string is reported as blank before the choice (API.md 3.2 order)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("metadata", {}).setdefault("description", PRIVACITY_DESCRIPTION)
        super().__init__(PRIVACY_CODES, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.strip():
            raise ValidationError(BLANK)
        return super()._deserialize(value, attr, data, **kwargs)


class MovieListInputSchema(InputSchema):
    """POST and PUT body: `name` and `privacity` required, `description` optional."""

    name = Text(
        required=True,
        max_length=128,
        validate=slug_is_not_empty,
        metadata={"description": "1 to 128 characters, at least one letter or number."},
    )
    privacity = Privacity(required=True)
    description = Text(
        max_length=1000, allow_blank=True, metadata={"description": 'Default `""`; on PUT, absent leaves it unchanged.'}
    )


class UTCDateTime(fields.Field):
    """Naive UTC datetimes as `2026-04-16T10:20:30.123456Z` (API.md 1.4): always six decimals and a `Z`, which
    fields.DateTime writes (format="%Y-%m-%dT%H:%M:%S.%fZ") but cannot document."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"type": "string", "format": "date-time", **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value is not None else None


class MovieListSchema(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    slug = fields.String()
    description = fields.Function(lambda movie_list: movie_list.description or "")
    privacity = fields.String(metadata={"enum": list(PRIVACY_CODES), "description": PRIVACITY_DESCRIPTION})
    user = fields.Function(lambda movie_list: user_url(movie_list.user.username), metadata={"type": "string", "format": "uri"})
    movies = fields.Function(
        lambda movie_list: [movie_url(movie.slug) for movie in movie_list.movies],
        metadata={"type": "array", "items": {"type": "string", "format": "uri"}},
    )
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


MovieListPageSchema = page_of(MovieListSchema)
ListMoviePageSchema = page_of(MovieSchema, "ListMoviePageSchema")
MovieListCursorSchema = cursor_of(MovieListSchema)


# --- Query parameters (API.md 5.4, 6.7) ---


class ListFillArgs(InputSchema):
    """How `POST /api/movies-lists/` fills an intelligent list; ignored unless `intelligent` is true."""

    intelligent = QueryFlag(
        metadata={"description": "`true` (any case) fills the new list with up to 50 recommended movies (API.md 6.7)."}
    )
    genres = QueryArray(data_key="genres[]", metadata={"description": "Genre slugs: only movies with one of these genres."})
    celebrities = QueryArray(
        data_key="celebrities[]",
        metadata={"description": "Person slugs: movies with one of them as actor or director score higher."},
    )
    friends = QueryArray(
        data_key="friends[]",
        metadata={"description": "Usernames of the caller's friends: movies they rated 4 or more score higher."},
    )


class ListSearchArgs(InputSchema):
    query = QueryText(metadata={"description": "Case-insensitive part of the list name (blank or absent: every list)."})


class ListMovieSearchArgs(InputSchema):
    query = QueryText(
        metadata={"description": "Case-insensitive part of the movie's base or translated title (blank or absent: all)."}
    )
