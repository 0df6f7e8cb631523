"""Output shapes of the catalogue (API.md 4): Genre, Platform, Award, Movie, Person."""

from __future__ import annotations

from marshmallow import fields
from sqlalchemy.orm import selectinload

from moviesx.http.errors import translate
from moviesx.http.language import translated
from moviesx.http.urls import award_url, media_url, person_url
from moviesx.models.catalog import AWARD_CATEGORIES, Genre, Movie, Person
from moviesx.schemas.base import InputSchema, OutputSchema, cursor_of, page_of
from moviesx.schemas.query import QueryText
from moviesx.services.media import DEFAULT_AWARD_ICON, DEFAULT_MOVIE_COVER, DEFAULT_PERSON_IMAGE


class GenreSchema(OutputSchema):
    id = fields.Integer()
    name = fields.Function(lambda genre: translated(genre, "name"))
    slug = fields.String()


class PlatformSchema(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    slug = fields.String()
    url = fields.String(allow_none=True)
    image = fields.Function(lambda platform: media_url(platform.image))


def category_label(code: str | None) -> str:
    """The translated label of an award category code, `""` when there is none."""
    label = AWARD_CATEGORIES.get(code or "")
    return translate(label) if label else ""


class AwardSchema(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    slug = fields.String()
    category = fields.Function(lambda award: category_label(award.category))
    icon = fields.Function(lambda award: media_url(award.icon or DEFAULT_AWARD_ICON))
    date = fields.Date(allow_none=True)


def _movie_cover(movie: Movie) -> str:
    return media_url(translated(movie, "cover") or DEFAULT_MOVIE_COVER)


class MovieSchema(OutputSchema):
    id = fields.Integer()
    title = fields.Function(lambda movie: translated(movie, "title"))
    slug = fields.String()
    release_date = fields.Date()
    synopsis = fields.Function(lambda movie: translated(movie, "synopsis"))
    cover = fields.Function(_movie_cover)
    genres = fields.List(fields.Nested(GenreSchema))
    platforms = fields.List(fields.Nested(PlatformSchema))
    awards = fields.Function(lambda movie: [award_url(award.slug) for award in movie.awards])
    actors = fields.Function(lambda movie: [person_url(person.slug) for person in movie.actors])
    directors = fields.Function(lambda movie: [person_url(person.slug) for person in movie.directors])


class PersonSchema(OutputSchema):
    id = fields.Integer()
    name = fields.String()
    slug = fields.String()
    image = fields.Function(lambda person: media_url(person.image or DEFAULT_PERSON_IMAGE))
    awards = fields.List(fields.Nested(AwardSchema))
    biography = fields.Function(lambda person: translated(person, "biography") or "")
    birthday = fields.Date(allow_none=True)
    deathday = fields.Date(allow_none=True)
    gender = fields.Integer()


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
