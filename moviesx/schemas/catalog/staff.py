"""Staff catalogue management (API.md 8): the write bodies, the staff representation and the list's query.

The five kinds share one set of routes, so /api/schema/ shows their bodies and representations as unions
(`anyOf` bodies, `oneOf` representations: every key of a representation is required and no other is allowed,
which makes the five shapes exclusive).
"""

from __future__ import annotations

from typing import Any

from marshmallow import RAISE, ValidationError, fields

from moviesx.http.urls import media_url
from moviesx.models.accounts import LANGUAGES
from moviesx.models.catalog import AWARD_CATEGORIES, Award, Genre, Movie, Person, Platform
from moviesx.schemas.base import InputSchema, OutputSchema
from moviesx.schemas.fields import (
    NUMBER_MESSAGES,
    SLUG_FORMAT,
    WEB_URL,
    Choice,
    IsoDate,
    StrList,
    Text,
    WholeNumber,
    bounded,
    choice_message,
    is_valid_text,
    max_length_message,
)
from moviesx.schemas.query import QueryText

TEXT_LIMIT = 10_000
NOT_A_MAPPING = "Not a valid mapping type."
SLUG_PATTERN = "^[a-z0-9_-]+$"
URI = {"type": "string", "format": "uri"}
NULLABLE_URI = {**URI, "nullable": True}
SLUGS = {"type": "array", "items": {"type": "string"}}
GENDER_DESCRIPTION = "0 unknown, 1 female, 2 male, 3 non-binary."


def _slug_field(max_length: int) -> Text:
    return Text(
        max_length=max_length,
        validate=SLUG_FORMAT,
        metadata={
            "pattern": SLUG_PATTERN,
            "description": "Default on POST: the slugified name (title for movies). Unique among live and deleted rows.",
        },
    )


def _translations_doc(entry: dict[str, dict], description: str, example: dict) -> dict:
    """`{lang: entry}` for the four languages, as JSON Schema keywords (field metadata)."""
    return {
        "type": "object",
        "properties": {language: {"type": "object", "properties": entry} for language in LANGUAGES},
        "additionalProperties": False,
        "description": description,
        "example": example,
    }


# --- Input bodies -----------------------------------------------------------------------------------------


class Translations(fields.Field):
    """`{lang: {field: str} | null}`; in multipart one text field holding that JSON object.

    Blank and null values count as absent (the base value shows); a language mapped to null is deleted.
    """

    default_error_messages = {"invalid": NOT_A_MAPPING}
    form_json: dict = {}  # in a form, one text field holding the JSON object; a blank one is this value

    def __init__(self, limits: dict[str, int], *, example: dict, **kwargs):
        entry = {key: {"type": "string", "maxLength": limit, "nullable": True} for key, limit in limits.items()}
        doc = _translations_doc(
            entry,
            "Upserts each language sent (`en`, `es`, `fr`, `de`); a language mapped to `null` is deleted, another "
            "code is a 400. Blank or null texts fall back to the base value.",
            example,
        )
        for language in LANGUAGES:
            doc["properties"][language]["nullable"] = True
        kwargs["metadata"] = {**doc, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)
        self.limits = limits

    def _serialize(self, value, attr, obj, **kwargs):
        return value

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, dict):
            raise self.make_error("invalid")
        result: dict[str, dict | None] = {}
        for language, entry in value.items():
            if language not in LANGUAGES:
                raise ValidationError(choice_message(language))
            if entry is None:
                result[language] = None
                continue
            if not isinstance(entry, dict):
                raise self.make_error("invalid")
            result[language] = {key: self._text(entry[key], limit) for key, limit in self.limits.items() if key in entry}
        return result

    @staticmethod
    def _text(value, limit: int) -> str:
        if value is None:
            return ""
        if not is_valid_text(value):
            raise ValidationError("Not a valid string.")
        if len(value) > limit:
            raise ValidationError(max_length_message(limit, len(value)))
        return value


def _relation(singular: str, example: list[str], note: str = "") -> StrList:
    description = f"Slugs of live {singular}s; replaces the relation when sent. {note}".strip()
    return StrList(metadata={"description": description, "example": example})


class GenreInput(InputSchema):
    name = Text(required=True, max_length=32, metadata={"description": "Unique.", "example": "Science Fiction"})
    slug = _slug_field(32)
    translations = Translations({"name": 32}, example={"es": {"name": "Ciencia ficción"}, "de": None})


class PlatformInput(InputSchema):
    name = Text(required=True, max_length=32, metadata={"description": "Unique.", "example": "Netflix"})
    slug = _slug_field(32)
    url = Text(
        max_length=200,
        validate=WEB_URL,
        allow_none=True,
        metadata={"description": "The website (http or https).", "format": "uri", "example": "https://www.netflix.com"},
    )


class AwardInput(InputSchema):
    name = Text(required=True, max_length=128, metadata={"description": "Unique.", "example": "Best Picture 2020"})
    slug = _slug_field(128)
    category = Choice(
        AWARD_CATEGORIES,
        allow_blank=True,
        metadata={"description": 'A category code, or `""` for none.', "example": "BP"},
    )
    date = IsoDate(allow_none=True, metadata={"example": "2020-02-09"})


class PersonInput(InputSchema):
    name = Text(
        required=True, max_length=128, metadata={"description": "Not unique: slugs tell persons apart.", "example": "Jane Doe"}
    )
    slug = _slug_field(128)
    biography = Text(max_length=TEXT_LIMIT, allow_blank=True, metadata={"example": "Born in Lyon, she began on stage."})
    birthday = IsoDate(allow_none=True, metadata={"example": "1970-05-01"})
    deathday = IsoDate(allow_none=True, metadata={"example": None})
    gender = WholeNumber(validate=bounded(0, 3), metadata={"description": GENDER_DESCRIPTION, "example": 1})
    awards = _relation("award", ["best-actress-2020"])
    translations = Translations({"biography": TEXT_LIMIT}, example={"fr": {"biography": "Née à Lyon."}})


class MovieInput(InputSchema):
    title = Text(
        required=True,
        max_length=255,
        metadata={"description": "Not unique: slugs tell movies apart.", "example": "The Long Night"},
    )
    slug = _slug_field(255)
    synopsis = Text(required=True, max_length=TEXT_LIMIT, metadata={"example": "A night shift that never ends."})
    release_date = IsoDate(required=True, metadata={"example": "2019-10-04"})
    popularity = fields.Float(
        allow_nan=False,
        validate=bounded(0),
        error_messages=NUMBER_MESSAGES,
        metadata={"description": "Default 0.", "example": 37.5},
    )
    genres = _relation("genre", ["drama"])
    platforms = _relation("platform", ["netflix"])
    awards = _relation("award", ["best-picture-2020"])
    actors = _relation("person", ["jane-doe"], "In billing order.")
    directors = _relation("person", ["ann-lee"], "In billing order.")
    translations = Translations(
        {"title": 255, "synopsis": TEXT_LIMIT},
        example={"es": {"title": "La larga noche", "synopsis": "Un turno de noche que no acaba."}},
    )


# --- How the bodies are documented --------------------------------------------------------------------------

# --- The staff representation -------------------------------------------------------------------------------


def _slugs(related) -> list[str]:
    return [row.slug for row in related]


class _StaffSchema(OutputSchema):
    """Every key is always present and no other is sent (API.md 4): documented as required, no additional keys."""

    class Meta:
        unknown = RAISE

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        for field in self.fields.values():
            field.required = True


class _StaffNamedSchema(_StaffSchema):
    """The fields every named catalogue kind starts with."""

    id = fields.Integer(metadata={"example": 7})
    name = fields.String(metadata={"example": "Science Fiction"})
    slug = fields.String(metadata={"example": "science-fiction"})


class StaffGenreSchema(_StaffNamedSchema):
    translations = fields.Function(
        lambda genre: {row.language: {"name": row.name} for row in genre.translations},
        metadata=_translations_doc({"name": {"type": "string"}}, "Every stored language.", {"es": {"name": "Ciencia ficción"}}),
    )


class StaffPlatformSchema(_StaffNamedSchema):
    url = fields.String(allow_none=True, metadata={"example": "https://www.netflix.com"})
    image = fields.Function(
        lambda platform: media_url(platform.image),
        metadata={
            **NULLABLE_URI,
            "description": "The logo; null when there is none.",
            "example": "https://moviesx.example/media/platforms/netflix_20260416102030.png",
        },
    )


class StaffAwardSchema(_StaffNamedSchema):
    category = fields.String(metadata={"enum": [*AWARD_CATEGORIES, ""], "description": "The category code.", "example": "BP"})
    category_label = fields.Function(
        lambda award: AWARD_CATEGORIES.get(award.category or "", ""),
        metadata={
            "type": "string",
            "enum": [*AWARD_CATEGORIES.values(), ""],
            "description": "The English label of the code.",
            "example": "Best Picture",
        },
    )
    date = fields.Date(allow_none=True, metadata={"example": "2020-02-09"})
    icon = fields.Function(
        lambda award: media_url(award.icon),
        metadata={**NULLABLE_URI, "description": "Null when the default icon shows.", "example": None},
    )


class StaffPersonSchema(_StaffNamedSchema):
    biography = fields.String(metadata={"description": "The base (English) text.", "example": "Born in Lyon."})
    birthday = fields.Date(allow_none=True, metadata={"example": "1970-05-01"})
    deathday = fields.Date(allow_none=True, metadata={"example": None})
    gender = fields.Integer(metadata={"enum": [0, 1, 2, 3], "description": GENDER_DESCRIPTION, "example": 1})
    image = fields.Function(
        lambda person: media_url(person.image),
        metadata={**NULLABLE_URI, "description": "Null when the default picture shows.", "example": None},
    )
    awards = fields.Function(lambda person: _slugs(person.awards), metadata={**SLUGS, "example": ["best-actress-2020"]})
    translations = fields.Function(
        lambda person: {row.language: {"biography": row.biography} for row in person.translations},
        metadata=_translations_doc(
            {"biography": {"type": "string"}}, "Every stored language.", {"fr": {"biography": "Née à Lyon."}}
        ),
    )


class StaffMovieSchema(_StaffSchema):
    id = fields.Integer(metadata={"example": 42})
    title = fields.String(metadata={"description": "The base (English) title.", "example": "The Long Night"})
    slug = fields.String(metadata={"example": "the-long-night"})
    synopsis = fields.String(metadata={"example": "A night shift that never ends."})
    release_date = fields.Date(metadata={"example": "2019-10-04"})
    popularity = fields.Float(metadata={"minimum": 0, "example": 37.5})
    cover = fields.Function(
        lambda movie: media_url(movie.cover),
        metadata={**NULLABLE_URI, "description": "Null when the default cover shows.", "example": None},
    )
    genres = fields.Function(lambda movie: _slugs(movie.genres), metadata={**SLUGS, "example": ["drama"]})
    platforms = fields.Function(lambda movie: _slugs(movie.platforms), metadata={**SLUGS, "example": ["netflix"]})
    awards = fields.Function(lambda movie: _slugs(movie.awards), metadata={**SLUGS, "example": ["best-picture-2020"]})
    actors = fields.Function(
        lambda movie: _slugs(movie.actors), metadata={**SLUGS, "description": "Billing order.", "example": ["jane-doe"]}
    )
    directors = fields.Function(
        lambda movie: _slugs(movie.directors), metadata={**SLUGS, "description": "Billing order.", "example": ["ann-lee"]}
    )
    translations = fields.Function(
        lambda movie: {
            row.language: {"title": row.title, "synopsis": row.synopsis, "cover": media_url(row.cover)}
            for row in movie.translations
        },
        metadata=_translations_doc(
            {"title": {"type": "string"}, "synopsis": {"type": "string"}, "cover": NULLABLE_URI},
            "Every stored language; `cover` is the translated cover, null when there is none.",
            {"es": {"title": "La larga noche", "synopsis": "Un turno de noche que no acaba.", "cover": None}},
        ),
    )


STAFF_SCHEMAS: dict[type, OutputSchema] = {
    Genre: StaffGenreSchema(),
    Platform: StaffPlatformSchema(),
    Award: StaffAwardSchema(),
    Person: StaffPersonSchema(),
    Movie: StaffMovieSchema(),
}


class StaffObjectSchema(OutputSchema):
    """The staff representation of any kind: each object is dumped with the schema of its model."""

    def dump(self, obj: Any, *, many: bool | None = None) -> Any:
        if self.many if many is None else many:
            return [self.dump(item, many=False) for item in obj]
        return STAFF_SCHEMAS[type(obj)].dump(obj)


# How /api/schema/ shows StaffObjectSchema: the path's kind decides which shape comes back.
STAFF_OBJECT = {"oneOf": [type(schema) for schema in STAFF_SCHEMAS.values()]}
STAFF_PAGE = {
    "type": "object",
    "description": "A page envelope (PP) of staff representations.",
    "properties": {
        "results": {"type": "array", "items": STAFF_OBJECT},
        "count": {"type": "integer", "minimum": 0},
        "total_pages": {"type": "integer", "minimum": 1},
        "current_page": {"type": "integer", "minimum": 1},
        "has_next": {"type": "boolean"},
        "has_previous": {"type": "boolean"},
    },
    "required": ["results", "count", "total_pages", "current_page", "has_next", "has_previous"],
}


# --- Query parameters ---------------------------------------------------------------------------------------


class StaffSearchArgs(InputSchema):
    search_query = QueryText(
        load_default="",
        metadata={
            "description": "Case-insensitive part of the name (the title for movies) or of the slug "
            "(blank or absent: every live object)."
        },
    )
