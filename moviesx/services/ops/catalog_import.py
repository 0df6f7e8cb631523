"""`catalog import FILE.json` (API.md 10.2): one transaction, idempotent upserts by slug.

Every entry goes through the same validation and writes as the staff API (services.catalog); images are
local files only and are copied into MEDIA_ROOT when their content differs from the stored one.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

from marshmallow import ValidationError

from moviesx.extensions import db
from moviesx.http.errors import first_messages
from moviesx.models import LANGUAGES, Movie
from moviesx.services import catalog
from moviesx.services.media import MAX_IMAGE_BYTES, CheckedImage, InvalidImage, check_image, sha256_of_stored
from moviesx.slugify import slugify

ORDER = ("genres", "platforms", "awards", "persons", "movies")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


class CatalogImportError(Exception):
    """A message such as `movies[3].genres: unknown genre 'x'`; nothing was written."""


@dataclass
class Tally:
    created: int = 0
    updated: int = 0


def import_file(path: str | Path) -> dict[str, Tally]:
    """Import a catalogue file in one transaction; on any error nothing is written."""
    path = Path(path)
    try:
        document = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise CatalogImportError(f"{path}: {exc.strerror or exc}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise CatalogImportError(f"{path}: invalid JSON ({exc})") from None
    if not isinstance(document, dict):
        raise CatalogImportError(f"{path}: the file must hold a JSON object")
    return import_document(document, path.resolve().parent)


def import_document(document: dict[str, Any], base: Path) -> dict[str, Tally]:
    tallies = {kind: Tally() for kind in ORDER}
    stored: list[str] = []
    replaced: list[str] = []
    try:
        for kind_name in ORDER:
            entries = document.get(kind_name, [])
            if not isinstance(entries, list):
                raise CatalogImportError(f"{kind_name}: Expected a list of items.")
            kind = catalog.KINDS[kind_name]
            existing = catalog.find_many_by_slug(kind, filter(None, (_match_slug(kind, e) for e in entries)))
            for index, entry in enumerate(entries):
                outcome = _import_entry(kind, f"{kind_name}[{index}]", entry, base, existing)
                stored.extend(outcome.stored)
                replaced.extend(outcome.replaced)
                if outcome.created:
                    tallies[kind_name].created += 1
                elif outcome.changed:
                    tallies[kind_name].updated += 1
        db.session.commit()
    except BaseException:
        db.session.rollback()
        catalog.discard_files(stored)
        raise
    catalog.discard_files(replaced)
    return tallies


def _import_entry(kind: catalog.Kind, where: str, entry: Any, base: Path, existing: dict) -> catalog.Outcome:
    if not isinstance(entry, dict):
        raise CatalogImportError(f"{where}: Not a valid mapping type.")
    match = _match_slug(kind, entry)
    obj = existing.get(match) if match else None
    try:
        data = kind.input_schema().load(_without_blank_translations(entry), partial=obj is not None)
    except ValidationError as exc:
        field, message = next(iter(first_messages(exc.messages).items()))
        raise CatalogImportError(f"{where}.{field}: {message}") from None
    resolved: dict[str, list] = {}
    messages, unknown = catalog.check(kind, obj, data, resolved=resolved)
    if messages:
        field, message = next(iter(messages.items()))
        if field in unknown:
            message = f"unknown {kind.relations[field].singular} '{unknown[field]}'"
        raise CatalogImportError(f"{where}.{field}: {message}")
    images = _images(kind, where, entry, obj, base)
    outcome = catalog.apply(kind, obj, data, images, resolved)
    existing[outcome.obj.slug] = outcome.obj
    return outcome


def _without_blank_translations(entry: dict[str, Any]) -> dict[str, Any]:
    """Blank translation values count as absent: they leave the stored value (or the base fallback) alone."""
    translations = entry.get("translations")
    if not isinstance(translations, dict):
        return entry
    kept = {
        language: (
            {key: value for key, value in values.items() if not (isinstance(value, str) and not value.strip())}
            if isinstance(values, dict)
            else values
        )
        for language, values in translations.items()
    }
    return {**entry, "translations": kept}


def _match_slug(kind: catalog.Kind, entry: Any) -> str | None:
    """The slug an entry names (or the slug of its name); rows are matched on it, soft-deleted ones included."""
    if not isinstance(entry, dict):
        return None
    slug = entry.get("slug")
    if "slug" not in entry:
        name = entry.get(kind.name_field)
        slug = slugify(name)[: kind.slug_length].strip("-_") if isinstance(name, str) else None
    return slug if isinstance(slug, str) and slug else None


def _images(kind: catalog.Kind, where: str, entry: dict[str, Any], obj, base: Path) -> dict[str, CheckedImage | None]:
    """Image keys of the entry: absent leaves the image, null resets it, a file is copied when it differs."""
    if kind.image_field is None:
        return {}
    wanted: dict[str, tuple[str, Any, str | None]] = {}
    if kind.image_field in entry:
        current = getattr(obj, kind.image_field) if obj is not None else None
        wanted[kind.image_field] = (kind.image_field, entry[kind.image_field], current)
    translations = entry.get("translations")
    if kind.model is Movie and isinstance(translations, dict):
        for language in LANGUAGES:
            values = translations.get(language)
            if isinstance(values, dict) and "cover" in values:
                value = values["cover"]
                if isinstance(value, str) and not value.strip():
                    continue
                current = _translation_cover(obj, language)
                wanted[f"cover_{language}"] = (f"translations.{language}.cover", value, current)
    images: dict[str, CheckedImage | None] = {}
    for key, (label, value, current) in wanted.items():
        if value is None:
            images[key] = None
            continue
        image = _read_image(f"{where}.{label}", value, base)
        if hashlib.sha256(image.data).hexdigest() != sha256_of_stored(current):
            images[key] = image
    return images


def _translation_cover(obj, language: str) -> str | None:
    if obj is None:
        return None
    for row in obj.translations:
        if row.language == language:
            return row.cover
    return None


def _read_image(label: str, value: Any, base: Path) -> CheckedImage:
    """A local image named by a relative path, an absolute path or a file:// URL; never downloaded."""
    if not isinstance(value, str):
        raise CatalogImportError(f"{label}: Not a valid string.")
    scheme = _SCHEME.match(value)
    if scheme and len(scheme.group(1)) > 1:
        if scheme.group(1).lower() != "file":
            raise CatalogImportError(f"{label}: unsupported scheme '{scheme.group(1)}' (the import never downloads)")
        parsed = urlparse(value)
        if parsed.netloc not in ("", "localhost"):
            raise CatalogImportError(f"{label}: only local file:// URLs are supported")
        path = Path(unquote(parsed.path))
    else:
        path = Path(value) if Path(value).is_absolute() else base / value
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_IMAGE_BYTES + 1)
    except OSError:
        raise CatalogImportError(f"{label}: file not found '{value}'") from None
    try:
        return check_image(data)
    except InvalidImage as exc:
        raise CatalogImportError(f"{label}: {exc.message}") from None
