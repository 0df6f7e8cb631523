"""Catalogue writes shared by the staff API (API.md 8) and `catalog import` (API.md 10.2).

`check` finds every business-rule failure of a validated body (slugs, names, relations); `apply` writes it
without committing, so callers decide the transaction. Stored files are reported so that a failed
transaction can remove them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from marshmallow import Schema
from sqlalchemy import Table, delete, insert, select
from sqlalchemy.orm import lazyload

from moviesx.extensions import db
from moviesx.models import (
    INCLUDE_DELETED,
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
from moviesx.models.sql import contains_folded
from moviesx.schemas import catalog as schemas
from moviesx.schemas import staff_catalog as staff_schemas
from moviesx.services.media import CheckedImage, remove_stored, save_image, timestamp
from moviesx.slugify import slugify

EMPTY_SLUG = "Enter a name that contains at least one letter or number."
RESERVED_SLUG = "This slug is reserved."
TRANSLATION_COVERS = "movies/translations/covers"


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
            return schemas.movie_load_options()
        if self.model is Person:
            return schemas.person_load_options()
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


class CatalogErrors(Exception):
    """Field messages (the API's 400 dict) plus, for relations, the first unknown slug of each field."""

    def __init__(self, messages: dict[str, str], unknown: dict[str, str] | None = None):
        super().__init__(messages)
        self.messages = messages
        self.unknown = unknown or {}


@dataclass
class Outcome:
    obj: Any
    created: bool
    changed: bool
    stored: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


# --- reading -----------------------------------------------------------------------------------------------


def live_list(kind: Kind, search: str = ""):
    """Live rows of a kind for the staff listing, id ascending; `search` in the name/title or slug."""
    model = kind.model
    stmt = select(model).where(model.deleted_at.is_(None)).order_by(model.id.asc()).options(*kind.load_options())
    if search:
        name = getattr(model, kind.name_field)
        stmt = stmt.where(contains_folded(name, search) | contains_folded(model.slug, search))
    return stmt


def find_many_by_slug(kind: Kind, slugs: Iterable[str]) -> dict[str, Any]:
    """Rows of a kind by slug, soft-deleted ones included, loaded for writing in a constant number of queries."""
    slugs = list(dict.fromkeys(slugs))
    found: dict[str, Any] = {}
    for start in range(0, len(slugs), 500):
        stmt = (
            select(kind.model)
            .where(kind.model.slug.in_(slugs[start : start + 500]))
            .options(*kind.load_options())
            .execution_options(**{INCLUDE_DELETED: True})
        )
        found.update((row.slug, row) for row in db.session.scalars(stmt))
    return found


def find_by_slug(kind: Kind, slug: str, *, include_deleted: bool = False):
    stmt = select(kind.model).where(kind.model.slug == slug).options(*kind.load_options())
    if include_deleted:
        stmt = stmt.execution_options(**{INCLUDE_DELETED: True})
    return db.session.scalar(stmt)


# --- checking ----------------------------------------------------------------------------------------------


def target_slug(kind: Kind, obj, data: dict[str, Any]) -> str | None:
    """The slug a write will leave: sent, kept, or derived from the name on creation."""
    if "slug" in data:
        return data["slug"]
    if obj is not None:
        return obj.slug
    name = data.get(kind.name_field)
    return slugify(name)[: kind.slug_length].strip("-_") if isinstance(name, str) else None


def _taken(kind: Kind, column, value, obj) -> bool:
    stmt = select(kind.model.id).where(column == value).execution_options(**{INCLUDE_DELETED: True})
    if obj is not None:
        stmt = stmt.where(kind.model.id != obj.id)
    return db.session.scalar(stmt.limit(1)) is not None


def resolve_slugs(model: type, slugs: Iterable[str]) -> tuple[list, str | None]:
    """Live rows for `slugs` in the given order, or the first slug that names none."""
    slugs = list(slugs)
    stmt = select(model).where(model.slug.in_(slugs)).options(lazyload("*"))
    found = {row.slug: row for row in db.session.scalars(stmt)} if slugs else {}
    for slug in slugs:
        if slug not in found:
            return [], slug
    return [found[slug] for slug in slugs], None


def check(
    kind: Kind, obj, data: dict[str, Any], *, skip: Iterable[str] = (), resolved: dict[str, list] | None = None
) -> tuple[dict[str, str], dict[str, str]]:
    """Business-rule failures of a schema-valid `data` for a new (`obj` None) or existing row.

    Fields in `skip` already failed validation and are not checked again. The related rows found are
    stored in `resolved` (by relation field) for `apply`.
    """
    with db.session.no_autoflush:
        return _check(kind, obj, data, set(skip), {} if resolved is None else resolved)


def _check(
    kind: Kind, obj, data: dict[str, Any], skip: set[str], resolved: dict[str, list]
) -> tuple[dict[str, str], dict[str, str]]:
    messages: dict[str, str] = {}
    unknown: dict[str, str] = {}
    slug = target_slug(kind, obj, data)
    slug_field = "slug" if "slug" in data else kind.name_field
    if slug_field not in skip and slug is not None:
        if not slug:
            messages[slug_field] = EMPTY_SLUG
        elif slug in kind.reserved and (obj is None or obj.slug != slug):
            messages["slug"] = RESERVED_SLUG
        elif _taken(kind, kind.model.slug, slug, obj):
            messages["slug"] = f"{kind.label} with this slug already exists."
    name = data.get(kind.name_field)
    if kind.unique_name and name is not None and kind.name_field not in skip and kind.name_field not in messages:
        if _taken(kind, getattr(kind.model, kind.name_field), name, obj):
            messages[kind.name_field] = f"{kind.label} with this name already exists."
    for key, relation in kind.relations.items():
        if key in data and key not in skip:
            resolved[key], missing = resolve_slugs(relation.model, data[key])
            if missing is not None:
                messages[key] = f"Object with slug '{missing}' does not exist."
                unknown[key] = missing
    return messages, unknown


# --- writing -----------------------------------------------------------------------------------------------


def apply(
    kind: Kind,
    obj,
    data: dict[str, Any],
    images: dict[str, CheckedImage | None],
    resolved: dict[str, list] | None = None,
) -> Outcome:
    """Write a checked body into `obj` (a new row when None); flushes, never commits.

    `images` maps file fields to a checked image, or to None to reset to the default; `resolved` holds
    the related rows `check` found.
    """
    with db.session.no_autoflush:
        return _apply(kind, obj, data, images, resolved or {})


def _apply(kind: Kind, obj, data: dict[str, Any], images: dict[str, CheckedImage | None], resolved: dict) -> Outcome:
    created = obj is None
    outcome = Outcome(obj=None, created=created, changed=created)
    if created:
        obj = kind.model()
        for key, relation in kind.relations.items():
            if relation.link is None:
                setattr(obj, key, [])
        if kind.translation_model is not None:
            obj.translations = []
        db.session.add(obj)
    slug = target_slug(kind, None if created else obj, data)
    scalars = {key: value for key, value in data.items() if key not in kind.relations and key != "translations"}
    scalars["slug"] = slug
    for key, value in scalars.items():
        if getattr(obj, key, None) != value:
            setattr(obj, key, value)
            outcome.changed = True
    if obj.is_deleted:
        obj.restore()
        outcome.changed = True
    db.session.flush()
    for key, relation in kind.relations.items():
        if key in data:
            rows = resolved[key] if key in resolved else resolve_slugs(relation.model, data[key])[0]
            outcome.changed |= _replace_relation(obj, key, relation, rows, created=created)
    if "translations" in data:
        outcome.changed |= _upsert_translations(kind, obj, data["translations"])
    for key, image in images.items():
        outcome.changed |= _set_image(kind, obj, key, image, outcome)
    db.session.flush()
    outcome.obj = obj
    return outcome


def _replace_relation(obj, key: str, relation: Relation, rows: list, *, created: bool) -> bool:
    current = [row.id for row in ([] if created else getattr(obj, key))]
    wanted = [row.id for row in rows]
    unchanged = current == wanted if relation.link is not None else set(current) == set(wanted)
    if unchanged:
        return False
    if relation.link is None:
        setattr(obj, key, rows)
    else:
        if not created:
            db.session.execute(delete(relation.link).where(relation.link.c.movie_id == obj.id))
        if rows:
            db.session.execute(
                insert(relation.link),
                [{"movie_id": obj.id, "person_id": row.id, "position": index} for index, row in enumerate(rows)],
            )
        db.session.expire(obj, [key])
    return True


def _translation_row(kind: Kind, obj, language: str, *, create: bool):
    for row in obj.translations:
        if row.language == language:
            return row
    if not create:
        return None
    row = kind.translation_model(language=language)
    for name in kind.translated_fields:
        setattr(row, name, "")
    obj.translations.append(row)
    return row


def _upsert_translations(kind: Kind, obj, translations: dict[str, dict | None]) -> bool:
    changed = False
    for language, values in translations.items():
        if values is None:
            row = _translation_row(kind, obj, language, create=False)
            if row is not None:
                obj.translations.remove(row)
                changed = True
            continue
        row = _translation_row(kind, obj, language, create=False)
        if row is None:
            row = _translation_row(kind, obj, language, create=True)
            changed = True
        for name, value in values.items():
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed = True
    return changed


def _set_image(kind: Kind, obj, key: str, image: CheckedImage | None, outcome: Outcome) -> bool:
    if key == kind.image_field:
        holder, folder = obj, kind.image_folder
        attribute = key
    else:
        language = key.removeprefix("cover_")
        holder = _translation_row(kind, obj, language, create=image is not None)
        folder, attribute = TRANSLATION_COVERS, "cover"
        if holder is None:
            return False
    previous = getattr(holder, attribute)
    if image is None:
        if previous is None:
            return False
        setattr(holder, attribute, None)
    else:
        stored = save_image(image, folder, f"{obj.slug}_{timestamp()}")
        outcome.stored.append(stored)
        setattr(holder, attribute, stored)
    if previous:
        outcome.replaced.append(previous)
    return True


def discard_files(paths: Iterable[str]) -> None:
    """Remove stored files: new ones after a failed transaction, replaced ones after a commit."""
    for path in paths:
        remove_stored(path)
