"""Business-rule checks of a schema-valid catalogue body (API.md 8): slugs, unique names, relation slugs.

`check` finds every failure at once, so a 400 lists them all; the related rows it resolves are handed to
`writes.apply` instead of being looked up twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import INCLUDE_DELETED
from moviesx.services.catalog.kinds import Kind
from moviesx.services.catalog.lookups import resolve_slugs
from moviesx.slugify import slugify

EMPTY_SLUG = "Enter a name that contains at least one letter or number."
RESERVED_SLUG = "This slug is reserved."


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
