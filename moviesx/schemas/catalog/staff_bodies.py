"""Documentation-only request bodies of the staff writes: each kind's JSON and multipart spelling (API.md 8).

The views read and check these bodies themselves (the schema depends on the path's kind); these copies only
describe them in /api/schema/.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterable

from marshmallow import Schema, fields

from moviesx.schemas.base import InputSchema
from moviesx.schemas.catalog.staff import Translations
from moviesx.schemas.fields import StrList

FILE_DESCRIPTION = (
    "An image (JPEG, PNG, GIF or WebP, detected from the content; at most 5 MB and 40 megapixels). "
    'An empty text value `""` resets the image to its default.'
)
RESET_DESCRIPTION = "Only `null`, which resets the image to its default (upload files with multipart/form-data)."


def _documented_body(
    input_schema: type[InputSchema], name: str, files: Iterable[str], *, form: bool, partial: bool
) -> type[Schema]:
    """A documentation-only copy of a body: its multipart spelling (`form`) and/or every key optional (`partial`)."""
    declared: dict[str, fields.Field] = {}
    for key, field in input_schema._declared_fields.items():
        field = copy.copy(field)
        field.required = field.required and not partial
        if form and isinstance(field, (StrList, Translations)):
            metadata = field.metadata
            text = {"description": f"JSON text. {metadata['description']}", "example": json.dumps(metadata["example"])}
            field = fields.String(required=field.required, metadata=text)
        elif form and field.allow_none:
            description = f"An empty value means null. {field.metadata.get('description', '')}".strip()
            field.metadata = {**field.metadata, "description": description}
        declared[key] = field
    for key in files:
        if form:
            declared[key] = fields.Raw(metadata={"type": "string", "format": "binary", "description": FILE_DESCRIPTION})
        else:
            declared[key] = fields.Raw(allow_none=True, metadata={"enum": [None], "description": RESET_DESCRIPTION})
    return type(name, (InputSchema,), declared)


def request_body(kinds: Iterable[tuple[str, type[InputSchema], tuple[str, ...]]], *, partial: bool) -> dict:
    """The requestBody of a staff write: each kind's JSON body and multipart body, given (label, input schema, files)."""
    verb = "Update" if partial else "Create"
    json_bodies, form_bodies = [], []
    for label, input_schema, files in kinds:
        json_bodies.append(_documented_body(input_schema, f"Staff{label}{verb}", files, form=False, partial=partial))
        form_bodies.append(_documented_body(input_schema, f"Staff{label}{verb}Form", files, form=True, partial=partial))
    return {
        "required": True,
        "description": "The body of the path's kind (genres, platforms, awards, persons or movies).",
        "content": {
            "application/json": {"schema": {"anyOf": json_bodies}},
            "multipart/form-data": {"schema": {"anyOf": form_bodies}},
        },
    }
