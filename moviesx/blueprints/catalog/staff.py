"""Staff catalogue management: /api/catalog/<kind>/ for the five kinds of API.md 8."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Response, request
from marshmallow import Schema, ValidationError

from moviesx.http.auth import STAFF, authenticated
from moviesx.http.blueprint import Blueprint, resolves
from moviesx.http.body import form_values, json_object
from moviesx.http.errors import FieldErrors, NotFound, first_messages
from moviesx.http.pagination import page
from moviesx.schemas.base import page_of
from moviesx.schemas.catalog.staff import STAFF_OBJECT, STAFF_PAGE, StaffObjectSchema, StaffSearchArgs
from moviesx.schemas.catalog.staff_bodies import request_body
from moviesx.services import catalog
from moviesx.services.media import CheckedImage, InvalidImage, read_upload

blp = Blueprint(
    "staff_catalog",
    __name__,
    url_prefix="/api/catalog",
    title="Staff: catalogue management",
    description="Staff catalogue management: genres, platforms, awards, persons and movies, for staff users only "
    "(anyone else gets 403 `Staff only`). `{kind}` is one of the five kinds; any other is an unknown route. Writes "
    "take JSON, or multipart/form-data to upload images (lists and `translations` are then one text field holding "
    "JSON). Deletes are soft: a deleted row's slug and name stay taken until it is restored. Answers show the staff "
    "representation: base (untranslated) fields, image URLs or null, relations as slugs, every stored translation.",
)

# Only the five kinds match: any other segment is an unknown route, answered before authentication.
KIND = "<any({}):kind>".format(",".join(catalog.KIND_PATHS))
NULLABLE_IN_FORMS = ("url", "date", "birthday", "deathday")


def _bodies(*, partial: bool) -> dict:
    kinds = [(kind.label, kind.input_schema, catalog.image_keys(kind)) for kind in catalog.KINDS.values()]
    return request_body(kinds, partial=partial)


CREATE_BODY = _bodies(partial=False)
UPDATE_BODY = _bodies(partial=True)


def staff_response(status: int, schema: type[Schema], documented: dict) -> Callable:
    """`@blp.response(status, schema)`, documented as `documented`: the path's kind decides the shape (a union)."""

    def decorator(view: Callable) -> Callable:
        view = blp.response(status, schema)(view)
        return blp.doc(responses={status: {"content": {"application/json": {"schema": documented}}}})(view)

    return decorator


def kind_of(kind: str) -> catalog.Kind:
    return catalog.KINDS[kind]


def live_item(catalog_kind: catalog.Kind, slug: str):
    """The live row of the kind with that slug, else the generic 404 naming the kind."""
    item = catalog.find_by_slug(catalog_kind, slug)
    if item is None:
        raise NotFound(catalog_kind.label, slug)
    return item


def deleted_item(catalog_kind: catalog.Kind, slug: str):
    """The soft-deleted row of the kind with that slug, else the generic 404 naming the kind."""
    item = catalog.find_by_slug(catalog_kind, slug, include_deleted=True)
    if item is None or not item.is_deleted:
        raise NotFound(catalog_kind.label, slug)
    return item


def _read_body(kind: catalog.Kind) -> tuple[dict[str, Any], dict[str, CheckedImage | None], dict[str, str]]:
    """Fields, image changes and image errors of a JSON or multipart body."""
    images: dict[str, CheckedImage | None] = {}
    errors: dict[str, str] = {}
    keys = catalog.image_keys(kind)
    # JSON whatever the Content-Type (API.md 1.2), except multipart, the only form encoding of API.md 8.
    if request.mimetype == "multipart/form-data":
        data: dict[str, Any] = form_values(kind.input_schema(), dict(request.form.items()))
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


def _write(kind: catalog.Kind, item, *, partial: bool):
    """Read and validate the body, check the business rules, write and commit; every failure is one 400 dict.

    The body is read here rather than by `@blp.arguments`: its schema depends on the path's kind, and the field,
    image and business-rule failures are reported together.
    """
    data, images, image_errors = _read_body(kind)
    try:
        valid = kind.input_schema().load(data, partial=partial)
        messages: dict[str, str] = {}
    except ValidationError as exc:
        valid = exc.valid_data or {}
        messages = first_messages(exc.messages)
    messages.update(image_errors)
    rule_messages, _unknown = catalog.check(kind, item, valid, skip=messages)
    messages.update(rule_messages)
    if messages:
        raise FieldErrors(messages)
    return catalog.save(kind, item, valid, images)


@blp.route(f"/{KIND}/", methods=["GET"])
@authenticated(STAFF)
@blp.arguments(StaffSearchArgs, location="query")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@staff_response(200, page_of(StaffObjectSchema), STAFF_PAGE)
@page()
def staff_list(args: dict, kind: str):
    """List a kind's objects

    Staff only. A page of the live objects of the kind in their staff representation, id ascending;
    `search_query` keeps those whose name (title for movies) or slug contains it, ignoring case.
    """
    return catalog.live_list(kind_of(kind), args["search_query"])


@blp.route(f"/{KIND}/", methods=["POST"])
@authenticated(STAFF)
@blp.doc(requestBody=CREATE_BODY)
@staff_response(201, StaffObjectSchema, STAFF_OBJECT)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(404, response="NOT_FOUND")
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
def staff_create(kind: str):
    """Create an object

    Staff only. JSON, or multipart/form-data with the image files (`image` for platforms and persons, `icon` for
    awards, `cover` and `cover_<lang>` for movies). The slug defaults to the slugified name (title for movies).
    An absent required key is `This field is required.` for that field. Every failing field is reported at once:
    validation messages, `This slug is reserved.`, `{Kind} with this slug already exists.`, `{Kind} with this
    name already exists.` (genres, platforms and awards), `Object with slug 'x' does not exist.` (relations) and
    `Value 'xx' is not a valid choice.` (a translation language). Soft-deleted rows keep their slug and name.
    When the media storage cannot take an image, 503 and nothing is written.
    """
    return _write(kind_of(kind), None, partial=False)


@blp.route(f"/{KIND}/<slug>/", methods=["GET"])
@authenticated(STAFF)
@resolves(catalog_kind=kind_of, item=live_item)
@staff_response(200, StaffObjectSchema, STAFF_OBJECT)
@blp.alt_response(403, response="FORBIDDEN")
def staff_detail(catalog_kind: catalog.Kind, item):
    """Get an object

    Staff only. The live object of the kind with that slug, in its staff representation; a missing or
    soft-deleted one is the generic 404 naming the kind.
    """
    return item


@blp.route(f"/{KIND}/<slug>/", methods=["PUT"])
@authenticated(STAFF)
@resolves(catalog_kind=kind_of, item=live_item)
@blp.doc(requestBody=UPDATE_BODY)
@staff_response(200, StaffObjectSchema, STAFF_OBJECT)
@blp.alt_response(400, response="BAD_REQUEST")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(503, response="SERVICE_UNAVAILABLE")
def staff_update(catalog_kind: catalog.Kind, item):
    """Change an object

    Staff only. A partial update of a live object: only the keys sent change, a relation list that is sent
    replaces the relation, and `translations` upserts each language sent (a language mapped to `null` is
    deleted). An image key set to `null` (JSON) or `""` (multipart) resets the image to its default. The same
    400 and 503 answers as on creation.
    """
    return _write(catalog_kind, item, partial=True)


@blp.route(f"/{KIND}/<slug>/", methods=["DELETE"])
@authenticated(STAFF)
@resolves(catalog_kind=kind_of, item=live_item)
@blp.response(204, description="Soft-deleted.")
@blp.alt_response(403, response="FORBIDDEN")
def staff_delete(catalog_kind: catalog.Kind, item):
    """Delete an object

    Staff only. A soft delete: the object leaves every list, search and nested array, and its slug and name
    stay taken until it is restored.
    """
    catalog.soft_delete(item)
    return Response(status=204)


@blp.route(f"/{KIND}/<slug>/restore/", methods=["POST"])
@authenticated(STAFF)
@resolves(catalog_kind=kind_of, item=deleted_item)
@staff_response(200, StaffObjectSchema, STAFF_OBJECT)
@blp.alt_response(403, response="FORBIDDEN")
def staff_restore(catalog_kind: catalog.Kind, item):
    """Restore a deleted object

    Staff only. Brings a soft-deleted object back and returns its staff representation; the generic 404 naming
    the kind when no soft-deleted object of that kind has the slug.
    """
    catalog.restore(item)
    return item
