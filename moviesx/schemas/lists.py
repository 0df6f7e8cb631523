"""Movie lists (API.md 4 MovieList, 5.4): the create/update body and the output shapes."""

from __future__ import annotations

from datetime import datetime

from marshmallow import ValidationError, fields

from moviesx.http.urls import movie_url, user_url
from moviesx.models.lists import PRIVACY_CODES
from moviesx.schemas.base import InputSchema, OutputSchema, cursor_of, page_of
from moviesx.schemas.base import SuccessSchema as SuccessSchema  # re-exported for the lists blueprint
from moviesx.schemas.catalog import MovieSchema
from moviesx.schemas.fields import BLANK, Choice, Str
from moviesx.services.lists import list_slug

EMPTY_SLUG = "Enter a name that contains at least one letter or number."


class ListName(Str):
    """1-128 characters whose slug is not empty."""

    def __init__(self, **kwargs):
        super().__init__(max_length=128, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if not list_slug(value):
            raise ValidationError(EMPTY_SLUG)
        return value


class Privacity(Choice):
    """`P`, `F` or `R`; a blank string is reported as blank before the choice (API.md 3.2 order)."""

    def __init__(self, **kwargs):
        super().__init__(PRIVACY_CODES, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str) and not value.strip():
            raise ValidationError(BLANK)
        return super()._deserialize(value, attr, data, **kwargs)


class MovieListInputSchema(InputSchema):
    """POST and PUT body: `name` and `privacity` required, `description` optional."""

    name = ListName(required=True)
    privacity = Privacity(required=True)
    description = Str(max_length=1000, allow_blank=True)


class UTCDateTime(fields.Field):
    """Naive UTC datetimes as `2026-04-16T10:20:30.123456Z` (API.md 1.4)."""

    def _serialize(self, value: datetime | None, attr, obj, **kwargs):
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if value is not None else None


class MovieListSchema(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    slug = fields.String()
    description = fields.Function(lambda movie_list: movie_list.description or "")
    privacity = fields.String()
    user = fields.Function(lambda movie_list: user_url(movie_list.user.username))
    movies = fields.Function(lambda movie_list: [movie_url(movie.slug) for movie in movie_list.movies])
    created_at = UTCDateTime()
    updated_at = UTCDateTime()


MovieListPageSchema = page_of(MovieListSchema)
ListMoviePageSchema = page_of(MovieSchema, "ListMoviePageSchema")
MovieListCursorSchema = cursor_of(MovieListSchema)
