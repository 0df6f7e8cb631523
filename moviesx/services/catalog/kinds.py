"""The five catalogue kinds of API.md 8: their model, input schema, slug rules, relations, images and translations.

One table drives the staff API, the checks, the writes and `catalog import`, so a kind is described once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from marshmallow import Schema
from sqlalchemy import Table

from moviesx.models import (
    LANGUAGES,
    Award,
    Genre,
    GenreTranslation,
    Movie,
    MovieTranslation,
    Person,
    PersonTranslation,
    Platform,
    movie_actors,
    movie_directors,
)
from moviesx.schemas.catalog import items
from moviesx.schemas.catalog import staff as staff_schemas


@dataclass(frozen=True)
class Relation:
    """A relation field given as slugs: `link` is set for billed (ordered) person credits."""

    model: type
    singular: str
    link: Table | None = None


@dataclass(frozen=True)
class Kind:
    """One of the five catalogue kinds of API.md 8."""

    path: str
    model: type
    label: str
    name_field: str
    slug_length: int
    unique_name: bool
    input_schema: type[Schema]
    image_field: str | None = None
    image_folder: str | None = None
    reserved: frozenset[str] = frozenset()
    relations: dict[str, Relation] = field(default_factory=dict)
    translation_model: type | None = None
    translated_fields: tuple[str, ...] = ()

    def load_options(self) -> list:
        if self.model is Movie:
            return items.movie_load_options()
        if self.model is Person:
            return items.person_load_options()
        return []


KINDS: dict[str, Kind] = {
    "genres": Kind(
        "genres",
        Genre,
        "Genre",
        "name",
        32,
        True,
        staff_schemas.GenreInput,
        translation_model=GenreTranslation,
        translated_fields=("name",),
    ),
    "platforms": Kind(
        "platforms",
        Platform,
        "Platform",
        "name",
        32,
        True,
        staff_schemas.PlatformInput,
        image_field="image",
        image_folder="platforms",
    ),
    "awards": Kind(
        "awards",
        Award,
        "Award",
        "name",
        128,
        True,
        staff_schemas.AwardInput,
        image_field="icon",
        image_folder="awards",
    ),
    "persons": Kind(
        "persons",
        Person,
        "Person",
        "name",
        128,
        False,
        staff_schemas.PersonInput,
        image_field="image",
        image_folder="person",
        reserved=frozenset({"actors", "directors", "searching"}),
        relations={"awards": Relation(Award, "award")},
        translation_model=PersonTranslation,
        translated_fields=("biography",),
    ),
    "movies": Kind(
        "movies",
        Movie,
        "Movie",
        "title",
        255,
        False,
        staff_schemas.MovieInput,
        image_field="cover",
        image_folder="movies/covers",
        reserved=frozenset({"searching"}),
        relations={
            "genres": Relation(Genre, "genre"),
            "platforms": Relation(Platform, "platform"),
            "awards": Relation(Award, "award"),
            "actors": Relation(Person, "person", movie_actors),
            "directors": Relation(Person, "person", movie_directors),
        },
        translation_model=MovieTranslation,
        translated_fields=("title", "synopsis"),
    ),
}
KIND_PATHS = tuple(KINDS)


def image_keys(kind: Kind) -> tuple[str, ...]:
    """The file fields of a kind: its image plus, for movies, one cover per translation language."""
    if kind.image_field is None:
        return ()
    if kind.model is Movie:
        return (kind.image_field, *(f"cover_{language}" for language in LANGUAGES))
    return (kind.image_field,)
