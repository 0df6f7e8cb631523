"""Staff catalogue management: /api/catalog/<kind>/ for the five kinds of API.md 8."""

from __future__ import annotations

from typing import Any

from flask import Response, g, request
from flask_smorest import Blueprint
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from moviesx.extensions import db
from moviesx.http.auth import STAFF, authenticated
from moviesx.http.body import json_object
from moviesx.http.errors import FieldErrors, NotFound, first_messages
from moviesx.http.pagination import page_envelope
from moviesx.http.params import arg_str
from moviesx.schemas.catalog import (
    StaffAwardSchema,
    StaffGenreSchema,
    StaffMovieSchema,
    StaffPersonSchema,
    StaffPlatformSchema,
)
from moviesx.services import catalog
from moviesx.services.media import CheckedImage, InvalidImage, read_upload

blp = Blueprint("staff_catalog", __name__, url_prefix="/api/catalog", description="Staff catalogue management")

# Only the five kinds match: any other segment is an unknown route, answered before authentication.
KIND = "<any({}):kind>".format(",".join(catalog.KIND_PATHS))
NULLABLE_IN_FORMS = ("url", "date", "birthday", "deathday")


def _kind(kind: str) -> catalog.Kind:
    return catalog.KINDS[kind]


def _live_or_404(kind: catalog.Kind, slug: str):
    obj = catalog.find_by_slug(kind, slug)
    if obj is None:
        raise NotFound(kind.label, slug)
    return obj


def _dump(kind: catalog.Kind, obj) -> dict:
    return kind.output_schema().dump(obj)


def _read_body(kind: catalog.Kind) -> tuple[dict[str, Any], dict[str, CheckedImage | None], dict[str, str]]:
    """Fields, image changes and image errors of a JSON or multipart body."""
    images: dict[str, CheckedImage | None] = {}
    errors: dict[str, str] = {}
    keys = catalog.image_keys(kind)
    # JSON whatever the Content-Type (API.md 1.2), except multipart, the only form encoding of API.md 8.
    if request.mimetype == "multipart/form-data":
        g.form_body = True
        data: dict[str, Any] = dict(request.form.items())
        for key in NULLABLE_IN_FORMS:
            if data.get(key) == "":
                data[key] = None
        for key in keys:
            upload = request.files.get(key)
            if upload is not None and (upload.filename or upload.content_length):
                try:
                    images[key] = read_upload(upload)
                except InvalidImage as exc:
                    errors[key] = exc.message
            elif data.get(key) == "":
                images[key] = None
    else:
        data = json_object()
        for key in keys:
            if key in data and data[key] is None:
                images[key] = None
    return data, images, errors


def _write(kind: catalog.Kind, obj, *, partial: bool):
    """Validate the body, check the business rules, write and commit; every failure is one 400 dict."""
    data, images, image_errors = _read_body(kind)
    try:
        valid = kind.input_schema().load(data, partial=partial)
        messages: dict[str, str] = {}
    except ValidationError as exc:
        valid = exc.valid_data or {}
        messages = first_messages(exc.messages)
    messages.update(image_errors)
    rule_messages, _unknown = catalog.check(kind, obj, valid, skip=messages)
    messages.update(rule_messages)
    if messages:
        raise FieldErrors(messages)
    outcome = catalog.apply(kind, obj, valid, images)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        catalog.discard_files(outcome.stored)
        raise FieldErrors({"slug": f"{kind.label} with this slug already exists."}) from None
    catalog.discard_files(outcome.replaced)
    return outcome.obj


# The staff representation depends on the kind: documented as one of the five shapes.
STAFF_OBJECT = {"oneOf": [StaffGenreSchema, StaffPlatformSchema, StaffAwardSchema, StaffPersonSchema, StaffMovieSchema]}
STAFF_PAGE = {
    "type": "object",
    "properties": {
        "results": {"type": "array", "items": STAFF_OBJECT},
        "count": {"type": "integer"},
        "total_pages": {"type": "integer"},
        "current_page": {"type": "integer"},
        "has_next": {"type": "boolean"},
        "has_previous": {"type": "boolean"},
    },
}


def _documented(schema) -> dict:
    return {"description": "OK", "content": {"application/json": {"schema": schema}}}


@blp.route(f"/{KIND}/", methods=["GET"])
@authenticated(STAFF)
@blp.doc(responses={"200": _documented(STAFF_PAGE)})
def staff_list(kind: str):
    """PP of live objects, id ascending; `search_query` filters the name/title or slug."""
    spec = _kind(kind)
    stmt = catalog.live_list(spec, arg_str("search_query", "") or "")
    return page_envelope(stmt, spec.output_schema(many=True).dump)


@blp.route(f"/{KIND}/", methods=["POST"])
@authenticated(STAFF)
@blp.doc(responses={"201": _documented(STAFF_OBJECT)})
def staff_create(kind: str):
    spec = _kind(kind)
    return _dump(spec, _write(spec, None, partial=False)), 201


@blp.route(f"/{KIND}/<slug>/", methods=["GET"])
@authenticated(STAFF)
@blp.doc(responses={"200": _documented(STAFF_OBJECT)})
def staff_detail(kind: str, slug: str):
    spec = _kind(kind)
    return _dump(spec, _live_or_404(spec, slug))


@blp.route(f"/{KIND}/<slug>/", methods=["PUT"])
@authenticated(STAFF)
@blp.doc(responses={"200": _documented(STAFF_OBJECT)})
def staff_update(kind: str, slug: str):
    """Partial update: only the keys sent change; relation lists replace, translations upsert."""
    spec = _kind(kind)
    obj = _live_or_404(spec, slug)
    return _dump(spec, _write(spec, obj, partial=True))


@blp.route(f"/{KIND}/<slug>/", methods=["DELETE"])
@authenticated(STAFF)
@blp.doc(responses={"204": {"description": "Soft-deleted"}})
def staff_delete(kind: str, slug: str):
    """Soft delete: the slug and name stay reserved."""
    spec = _kind(kind)
    _live_or_404(spec, slug).delete()
    db.session.commit()
    return Response(status=204)


@blp.route(f"/{KIND}/<slug>/restore/", methods=["POST"])
@authenticated(STAFF)
@blp.doc(responses={"200": _documented(STAFF_OBJECT)})
def staff_restore(kind: str, slug: str):
    spec = _kind(kind)
    obj = catalog.find_by_slug(spec, slug, include_deleted=True)
    if obj is None or not obj.is_deleted:
        raise NotFound(spec.label, slug)
    obj.restore()
    db.session.commit()
    return _dump(spec, obj)
