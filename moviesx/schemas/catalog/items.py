"""Output shapes of the catalogue (API.md 4): Genre, Platform, Award, Movie, Person."""

from __future__ import annotations

from marshmallow import fields
from sqlalchemy.orm import selectinload

from moviesx.http.errors import translate
from moviesx.http.language import translated
from moviesx.http.urls import award_url, media_url, person_url
from moviesx.models.catalog import (
    AWARD_CATEGORIES,
    DEFAULT_AWARD_ICON,
    DEFAULT_MOVIE_COVER,
    DEFAULT_PERSON_IMAGE,
    GENDERS,
    Genre,
    Movie,
    Person,
)
from moviesx.schemas.base import InputSchema, OutputSchema, cursor_of, page_of
from moviesx.schemas.query import QueryText

EXAMPLE_ROOT = "https://moviesx.example"
URL = {"type": "string", "format": "uri"}
URL_LIST = {"type": "array", "items": URL}
TRANSLATED = "In the caller's language; the base (English) value when that translation is missing or empty."


class GenreSchema(OutputSchema):
    id = fields.Integer(metadata={"example": 3})
    name = fields.Function(
        lambda genre: translated(genre, "name"), metadata={"type": "string", "description": TRANSLATED, "example": "Drama"}
    )
    slug = fields.String(metadata={"example": "drama"})


class PlatformSchema(OutputSchema):
    id = fields.Integer(metadata={"example": 1})
    name = fields.String(metadata={"example": "Netflix"})
    slug = fields.String(metadata={"example": "netflix"})
    url = fields.String(
        allow_none=True,
        metadata={"format": "uri", "description": "The platform's website.", "example": "https://www.netflix.com"},
    )
    image = fields.Function(
        lambda platform: media_url(platform.image),
        metadata={**URL, "nullable": True, "example": f"{EXAMPLE_ROOT}/media/platforms/netflix.png"},
    )


def category_label(code: str | None) -> str:
    """The translated label of an award category code, `""` when there is none."""
    label = AWARD_CATEGORIES.get(code or "")
    return translate(label) if label else ""


CATEGORY_DESCRIPTION = (
    "The label of the award's category in the caller's language, `\"\"` when it has none. Categories: "
    + ", ".join(AWARD_CATEGORIES.values())
    + "."
)


class AwardSchema(OutputSchema):
    id = fields.Integer(metadata={"example": 7})
    name = fields.String(metadata={"example": "Academy Award for Best Picture 2020"})
    slug = fields.String(metadata={"example": "best-picture-2020"})
    category = fields.Function(
        lambda award: category_label(award.category),
        metadata={"type": "string", "description": CATEGORY_DESCRIPTION, "example": "Best Picture"},
    )
    icon = fields.Function(
        lambda award: media_url(award.icon or DEFAULT_AWARD_ICON),
        metadata={
            **URL,
            "description": "The default icon when the award has none.",
            "example": f"{EXAMPLE_ROOT}/media/awards/no-award.png",
        },
    )
    date = fields.Date(allow_none=True, metadata={"example": "2020-02-09"})


def _movie_cover(movie: Movie) -> str:
    return media_url(translated(movie, "cover") or DEFAULT_MOVIE_COVER)


class MovieSchema(OutputSchema):
    id = fields.Integer(metadata={"example": 42})
    title = fields.Function(
        lambda movie: translated(movie, "title"), metadata={"type": "string", "description": TRANSLATED, "example": "Parasite"}
    )
    slug = fields.String(metadata={"example": "parasite"})
    release_date = fields.Date(metadata={"example": "2019-05-30"})
    synopsis = fields.Function(
        lambda movie: translated(movie, "synopsis"),
        metadata={
            "type": "string",
            "description": TRANSLATED,
            "example": "Greed and class discrimination threaten the newly formed symbiotic relationship between the "
            "wealthy Park family and the destitute Kim clan.",
        },
    )
    cover = fields.Function(
        _movie_cover,
        metadata={
            **URL,
            "description": f"{TRANSLATED} The default cover when the movie has none.",
            "example": f"{EXAMPLE_ROOT}/media/movies/covers/parasite.jpg",
        },
    )
    genres = fields.List(fields.Nested(GenreSchema), metadata={"description": "Live genres, by id."})
    platforms = fields.List(fields.Nested(PlatformSchema), metadata={"description": "Live platforms, by id."})
    awards = fields.Function(
        lambda movie: [award_url(award.slug) for award in movie.awards],
        metadata={
            **URL_LIST,
            "description": "URLs of the movie's live awards, by id.",
            "example": [f"{EXAMPLE_ROOT}/api/awards/best-picture-2020/"],
        },
    )
    actors = fields.Function(
        lambda movie: [person_url(person.slug) for person in movie.actors],
        metadata={
            **URL_LIST,
            "description": "URLs of the live persons credited as actors, in billing order.",
            "example": [f"{EXAMPLE_ROOT}/api/persons/song-kang-ho/", f"{EXAMPLE_ROOT}/api/persons/cho-yeo-jeong/"],
        },
    )
    directors = fields.Function(
        lambda movie: [person_url(person.slug) for person in movie.directors],
        metadata={
            **URL_LIST,
            "description": "URLs of the live persons credited as directors, in billing order.",
            "example": [f"{EXAMPLE_ROOT}/api/persons/bong-joon-ho/"],
        },
    )


class PersonSchema(OutputSchema):
    id = fields.Integer(metadata={"example": 12})
    name = fields.String(metadata={"example": "Bong Joon-ho"})
    slug = fields.String(metadata={"example": "bong-joon-ho"})
    image = fields.Function(
        lambda person: media_url(person.image or DEFAULT_PERSON_IMAGE),
        metadata={
            **URL,
            "description": "The default image when the person has none.",
            "example": f"{EXAMPLE_ROOT}/media/person/bong-joon-ho.jpg",
        },
    )
    awards = fields.List(fields.Nested(AwardSchema), metadata={"description": "Live awards, by id."})
    biography = fields.Function(
        lambda person: translated(person, "biography") or "",
        metadata={
            "type": "string",
            "description": f'{TRANSLATED} `""` when there is none.',
            "example": "South Korean film director and screenwriter.",
        },
    )
    birthday = fields.Date(allow_none=True, metadata={"example": "1969-09-14"})
    deathday = fields.Date(allow_none=True, metadata={"example": None})
    gender = fields.Integer(
        metadata={
            "enum": list(GENDERS),
            "description": ", ".join(f"{code} {meaning}" for code, meaning in GENDERS.items()) + ".",
            "example": 2,
        }
    )


def movie_load_options() -> list:
    """Loader options that dump N movies with a constant number of queries."""
    return [
        selectinload(Movie.genres).selectinload(Genre.translations),
        selectinload(Movie.platforms),
        selectinload(Movie.awards),
        selectinload(Movie.actors),
        selectinload(Movie.directors),
        selectinload(Movie.translations),
    ]


def person_load_options() -> list:
    """Loader options that dump N persons with a constant number of queries."""
    return [selectinload(Person.awards), selectinload(Person.translations)]


# --- Query parameters (API.md 5.6) ---


class PersonSearchArgs(InputSchema):
    search_query = QueryText(
        load_default="", metadata={"description": "Case-insensitive part of the name (blank or absent: every person)."}
    )


class PersonSlugSearchArgs(InputSchema):
    search_query = QueryText(
        load_default="", metadata={"description": "Case-insensitive part of the name or of the slug (blank or absent: all)."}
    )


class PersonNameArgs(InputSchema):
    name = QueryText(load_default="", metadata={"description": "Case-insensitive part of the name (blank or absent: all)."})


PersonPageSchema = page_of(PersonSchema)
PersonCursorSchema = cursor_of(PersonSchema)
MovieCursorSchema = cursor_of(MovieSchema)
