"""The project's webargs parser: request bodies and query strings read as API.md 1.2, 1.3, 3.2a, 3.2b say.

flask-smorest calls it for every `@blp.arguments` of a project Blueprint (moviesx.http.blueprint):
- `location="json"` (JSON endpoints): the raw body decoded whatever the Content-Type; an empty body,
  invalid JSON or a non-object is 400 `Invalid JSON body` (an empty body is `{}` for a schema whose
  `empty_body_is_object` is true, API.md 15); an absent required key is the whole-body 400
  `Missing required fields`.
- `location="form"` (form-capable endpoints): form-urlencoded or multipart fields, else JSON where an empty
  body is `{}` and `null` counts as absent; missing fields are reported per field.
- `location="query"`: each field of the schema reads its own value (moviesx.schemas.query).
Field failures leave as the contract's 400 field dict through the one error path (FieldErrors).
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import Request
from marshmallow import Schema, ValidationError
from webargs.flaskparser import FlaskParser

from moviesx.http.body import form_object, json_object, missing_required
from moviesx.http.errors import FieldErrors, error
from moviesx.http.params import arg_str
from moviesx.schemas.query import QueryField


class ContractParser(FlaskParser):
    DEFAULT_VALIDATION_STATUS = 400

    def load_json(self, req: Request, schema: Schema) -> dict[str, Any]:
        data = json_object(empty_means_empty=getattr(schema, "empty_body_is_object", False))
        if missing_required(schema, data):
            raise error(400, "Missing required fields")
        return data

    def load_form(self, req: Request, schema: Schema) -> dict[str, Any]:
        return form_object()

    def load_querystring(self, req: Request, schema: Schema) -> dict[str, Any]:
        data = {}
        for name, field in schema.load_fields.items():
            key = field.data_key or name
            value = field.read(key) if isinstance(field, QueryField) else arg_str(key)
            if value is not None:
                data[key] = value
        return data

    def handle_error(self, error: ValidationError, req: Request, schema: Schema, **kwargs) -> NoReturn:
        """webargs keys the messages by location (`{"json": {...}}`); the contract's dict is the inner one."""
        (messages,) = error.messages.values()
        raise FieldErrors(messages if isinstance(messages, dict) else {"__all__": messages})


parser = ContractParser()
