"""Request bodies: JSON decoding whatever the Content-Type, form-capable endpoints, schema loading (API.md 1.2).

The project parser (moviesx.http.parser) reads bodies with these functions for `@blp.arguments`; views not yet
converted call `load_json` / `load_form` themselves and document the body with `accepts`.
"""

from __future__ import annotations

import json
from typing import Any

from flask import g, request
from marshmallow import Schema, ValidationError

from moviesx.http.errors import FieldErrors, error
from moviesx.schemas.fields import parse_digits

FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def _decode_json(*, empty_means_empty: bool) -> Any:
    raw = request.get_data(cache=True)
    if not raw and empty_means_empty:
        return {}
    try:
        return json.loads(raw.decode("utf-8"), parse_int=parse_digits)
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise error(400, "Invalid JSON body") from None


def json_object() -> dict[str, Any]:
    """The body of a JSON endpoint: must be a JSON object."""
    data = _decode_json(empty_means_empty=False)
    if not isinstance(data, dict):
        raise error(400, "Invalid JSON body")
    return data


def is_form_body() -> bool:
    return request.mimetype in FORM_TYPES


def form_object() -> dict[str, Any]:
    """The body of a form-capable endpoint: form fields, or JSON where null counts as absent."""
    if is_form_body():
        g.form_body = True
        return {key: value for key, value in request.form.items()}
    data = _decode_json(empty_means_empty=True)
    if not isinstance(data, dict):
        raise error(400, "Invalid JSON body")
    return {key: value for key, value in data.items() if value is not None}


def validate(schema: Schema, data: dict[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Load `data` with `schema`; failures become the 400 field dict."""
    try:
        return schema.load(data, partial=partial)
    except ValidationError as exc:
        raise FieldErrors(exc.messages) from None


def missing_required(schema: Schema, data: dict[str, Any]) -> bool:
    return any(field.required and (field.data_key or name) not in data for name, field in schema.load_fields.items())


def load_json(schema: Schema) -> dict[str, Any]:
    """JSON endpoints: an absent required key is the whole-body 400 `Missing required fields`."""
    data = json_object()
    if missing_required(schema, data):
        raise error(400, "Missing required fields")
    return validate(schema, data)


def load_form(schema: Schema) -> dict[str, Any]:
    """Form-capable endpoints: absent fields are reported per field."""
    return validate(schema, form_object())


def accepts(schema, *, form: bool = False, multipart: bool = False):
    """Document a request body in the OpenAPI spec; views load it themselves at the contract's step (1.7)."""
    from flask_smorest import Blueprint

    content = {"application/json": {"schema": schema}}
    if form:
        content["application/x-www-form-urlencoded"] = {"schema": schema}
    if form or multipart:
        content["multipart/form-data"] = {"schema": schema}
    return Blueprint.doc(requestBody={"required": True, "content": content})
