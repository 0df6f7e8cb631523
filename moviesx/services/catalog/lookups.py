"""Catalogue reads for the staff API and the importer: listings, slug lookups and relation slugs."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from moviesx.extensions import db
from moviesx.models import INCLUDE_DELETED
from moviesx.models.sql import contains_folded
from moviesx.services.catalog.kinds import Kind


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


def resolve_slugs(model: type, slugs: Iterable[str]) -> tuple[list, str | None]:
    """Live rows for `slugs` in the given order, or the first slug that names none."""
    slugs = list(slugs)
    stmt = select(model).where(model.slug.in_(slugs)).options(lazyload("*"))
    found = {row.slug: row for row in db.session.scalars(stmt)} if slugs else {}
    for slug in slugs:
        if slug not in found:
            return [], slug
    return [found[slug] for slug in slugs], None
