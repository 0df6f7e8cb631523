"""The watchlist and the diary (API.md 14, 15): the watch body, the `available` and `year` parameters, the shapes."""

from __future__ import annotations

import re

from marshmallow import ValidationError, fields

from moviesx.clock import today
from moviesx.http.urls import person_url, user_url
from moviesx.schemas.base import InputSchema, OutputSchema, cursor_of
from moviesx.schemas.catalog.items import EXAMPLE_ROOT, URL, GenreSchema, MovieSchema
from moviesx.schemas.fields import DateField, Int, Str
from moviesx.schemas.lists import UTCDateTime
from moviesx.schemas.query import QueryField, QueryFlag

FUTURE_DATE = "Date cannot be in the future."
FIRST_YEAR, LAST_YEAR = 1800, 9999
_YEAR = re.compile(r"[0-9]{4}")


# --- Input ---------------------------------------------------------------------------------------


class PastDate(DateField):
    """A `YYYY-MM-DD` date no later than today (UTC, the app clock)."""

    def _deserialize(self, value, attr, data, **kwargs):
        day = super()._deserialize(value, attr, data, **kwargs)
        if day > today():
            raise ValidationError(FUTURE_DATE)
        return day


class WatchInputSchema(InputSchema):
    """Every key optional; an empty body counts as `{}` (moviesx.http.parser reads `empty_body_is_object`)."""

    empty_body_is_object = True

    watched_on = PastDate(
        metadata={
            "description": f"The day of the watch; default today (UTC). A later day is 400 `{FUTURE_DATE}`",
            "example": "2026-05-03",
        }
    )
    rating = Int(
        minimum=1,
        maximum=5,
        allow_none=True,
        metadata={
            "description": "Sets the caller's rating of the movie exactly as POST/PUT `ratings/` do; `null` or absent "
            "leaves the rating as it is.",
            "example": 4,
        },
    )
    note = Str(max_length=1000, allow_blank=True, metadata={"description": 'Default `""`.', "example": "Second time, in 70mm."})


class QueryYear(QueryField, fields.Integer):
    """A calendar year: four ASCII digits from 1800 to 9999; any other value is ignored (absent)."""

    def read(self, key: str) -> int | None:
        value = QueryField.read(self, key)
        if value is None or not _YEAR.fullmatch(value) or not FIRST_YEAR <= int(value) <= LAST_YEAR:
            return None
        return int(value)


class WatchlistArgs(InputSchema):
    available = QueryFlag(
        metadata={
            "description": "`true`: only movies on at least one of the **caller's** platforms (movies on no platform "
            "are left out, and everything is when the caller has no platform)."
        }
    )


YEAR_DESCRIPTION = "Keep one calendar year: four digits from 1800 to 9999; any other value is ignored."


class DiaryArgs(InputSchema):
    year = QueryYear(metadata={"description": YEAR_DESCRIPTION, "example": 2026})


# --- Output --------------------------------------------------------------------------------------


class WatchlistEntrySchema(OutputSchema):
    """Needs `entry.movie` loaded with its relations (services.diary.watchlist.entry_load_options)."""

    id = fields.Integer(metadata={"example": 12})
    movie = fields.Nested(MovieSchema)
    created_at = UTCDateTime(metadata={"type": "string", "format": "date-time", "example": "2026-05-01T20:14:03.120000Z"})


class WatchSchema(OutputSchema):
    """Needs the row loaded with services.diary.watches.watch_load_options (`rewatch` comes from SQL)."""

    id = fields.Integer(metadata={"example": 31})
    user = fields.Function(
        lambda watch: user_url(watch.user.username), metadata={**URL, "example": f"{EXAMPLE_ROOT}/api/users/ada/"}
    )
    movie = fields.Nested(MovieSchema)
    watched_on = fields.Date(metadata={"example": "2026-05-03"})
    rewatch = fields.Boolean(
        metadata={
            "description": "Whether the user has another watch of this movie on an earlier day, or on the same day "
            "with a lower id (every watch of the user counts, whatever `year` a listing keeps).",
            "example": False,
        }
    )
    rating = fields.Integer(allow_none=True, metadata={"minimum": 1, "maximum": 5, "example": 4})
    note = fields.String(metadata={"example": "Second time, in 70mm."})
    created_at = UTCDateTime(metadata={"type": "string", "format": "date-time", "example": "2026-05-03T22:41:09.000000Z"})


class GenreCountSchema(OutputSchema):
    genre = fields.Nested(GenreSchema)
    count = fields.Integer(metadata={"description": "Distinct movies watched with this genre.", "example": 7})


class PersonCountSchema(OutputSchema):
    person = fields.Function(
        lambda row: person_url(row["person"]), metadata={**URL, "example": f"{EXAMPLE_ROOT}/api/persons/bong-joon-ho/"}
    )
    count = fields.Integer(metadata={"description": "Distinct movies watched with this actor or director.", "example": 3})


RatingCountsSchema = type(
    "RatingCountsSchema",
    (OutputSchema,),
    {
        str(stars): fields.Integer(metadata={"description": f"Watched movies the user rates {stars}.", "example": 0})
        for stars in range(1, 6)
    },
)


class DiaryStatsSchema(OutputSchema):
    year = fields.Integer(allow_none=True, metadata={"description": "The `year` kept, or `null`.", "example": 2026})
    watches = fields.Integer(metadata={"example": 48})
    movies = fields.Integer(metadata={"description": "Distinct movies.", "example": 41})
    rewatches = fields.Integer(metadata={"description": "Watches whose `rewatch` is true.", "example": 7})
    average_rating = fields.Float(
        allow_none=True,
        metadata={
            "description": "The mean of the user's current ratings of the distinct movies, rounded half up to 2 "
            "decimals (3.125 gives 3.13); `null` without ratings.",
            "example": 3.85,
        },
    )
    ratings = fields.Nested(
        RatingCountsSchema, metadata={"description": "How many of the distinct movies the user rates 1 to 5."}
    )
    by_month = fields.List(
        fields.Integer(),
        allow_none=True,
        metadata={"description": "Watches per month, January to December, with `year`; `null` without it."},
    )
    top_genres = fields.List(
        fields.Nested(GenreCountSchema), metadata={"description": "At most 5 live genres, by count descending, then id."}
    )
    top_persons = fields.List(
        fields.Nested(PersonCountSchema),
        metadata={
            "description": "At most 5 live persons (actors and directors together, once per movie), by count descending, then id."
        },
    )


WatchlistEntryCursorSchema = cursor_of(WatchlistEntrySchema)
WatchCursorSchema = cursor_of(WatchSchema)
