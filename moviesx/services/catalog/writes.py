"""Catalogue writes shared by the staff API (API.md 8) and `catalog import` (API.md 10.2).

`apply` writes a checked body without committing, so that `catalog import` can commit a whole document at once;
`save` is the staff API's write and commit of one object. Stored files are reported so that a failed transaction
can remove them, and replaced ones once it commits.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, insert

from moviesx.extensions import db
from moviesx.http.errors import FieldErrors
from moviesx.services.catalog.checks import target_slug
from moviesx.services.catalog.kinds import Kind, Relation
from moviesx.services.catalog.lookups import resolve_slugs
from moviesx.services.media import CheckedImage, remove_stored, save_image, timestamp
from moviesx.services.transactions import commit_or

TRANSLATION_COVERS = "movies/translations/covers"


@dataclass
class Outcome:
    obj: Any
    created: bool
    changed: bool
    stored: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)


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


def save(kind: Kind, obj, data: dict[str, Any], images: dict[str, CheckedImage | None]):
    """Write a checked body and commit it; a concurrent object with the same slug is the slug 400 (API.md 8).

    The files the write replaced are removed only once it is committed; the ones it stored, when it fails.
    """
    outcome = apply(kind, obj, data, images)

    def duplicate_slug() -> None:
        discard_files(outcome.stored)
        raise FieldErrors({"slug": f"{kind.label} with this slug already exists."})

    commit_or(duplicate_slug)
    discard_files(outcome.replaced)
    return outcome.obj


def soft_delete(obj) -> None:
    """Soft-delete a catalogue object: it leaves every read, and its slug and name stay taken until restored."""
    obj.delete()
    db.session.commit()


def restore(obj) -> None:
    """Bring a soft-deleted catalogue object back."""
    obj.restore()
    db.session.commit()


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
