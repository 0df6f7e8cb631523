"""Request bodies: JSON decoding whatever the Content-Type, and form-capable endpoints (API.md 1.2).

The project parser (moviesx.http.parser) reads bodies with these functions for `@blp.arguments`.
"""

from __future__ import annotations

import json
from typing import Any

from flask import g, request
from marshmallow import Schema

from moviesx.http.errors import error
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


def json_object(*, empty_means_empty: bool = False) -> dict[str, Any]:
    """The body of a JSON endpoint: must be a JSON object (an empty body counts as `{}` where the endpoint says so)."""
    data = _decode_json(empty_means_empty=empty_means_empty)
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


def missing_required(schema: Schema, data: dict[str, Any]) -> bool:
    return any(field.required and (field.data_key or name) not in data for name, field in schema.load_fields.items())
