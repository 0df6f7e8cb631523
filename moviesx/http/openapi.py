"""The project Api: the error responses of /api/schema/ are the bodies MoviesX really sends (API.md 3.1).

flask-smorest documents every error with its own `code/status/message/errors` schema; here each status
name (`BAD_REQUEST`, `NOT_FOUND`, ...) is a response component with the contract's shape, declared once.
Operations reference them by name: `@blp.arguments` adds `BAD_REQUEST`, the project Blueprint adds the
ladder's `UNAUTHORIZED` and `TOO_MANY_REQUESTS` to authenticated operations and `NOT_FOUND` to those that
resolve path objects, and a view declares any other with `@blp.alt_response(status, response=NAME)`.
"""

from __future__ import annotations

import http

import flask_smorest

from moviesx.http.conditional import NOT_MODIFIED
from moviesx.http.converters import IdConverter
from moviesx.schemas import fields

STRING = {"type": "string"}
RETRY_AFTER = {"description": "Seconds to wait before retrying.", "schema": {"type": "integer"}}

ERROR_SCHEMAS = {
    "ErrorMessage": {
        "type": "object",
        "description": "An error stated in one message (translated into the active language).",
        "properties": {"error": STRING},
        "required": ["error"],
        "example": {"error": "Invalid JSON body"},
    },
    "FieldErrors": {
        "type": "object",
        "description": "Field validation: the first failure of each field; errors across fields under `__all__`.",
        "additionalProperties": {"type": "array", "items": STRING},
        "example": {"rating": ["Ensure this value is less than or equal to 5."]},
    },
    "NotFound": {
        "type": "object",
        "description": "Unknown route (`model` and `lookup_value` are `unknown`), or a path object that is "
        "missing or soft-deleted: `model` names it and `lookup_value` is the path value as sent.",
        "properties": {"error": STRING, "message": STRING, "model": STRING, "lookup_value": STRING},
        "required": ["error", "message", "model", "lookup_value"],
        "example": {
            "error": "Not Found",
            "message": "The requested resource was not found.",
            "model": "Movie",
            "lookup_value": "the-matrix",
        },
    },
    "TokenNotValid": {
        "type": "object",
        "description": "Step 2 of the authentication ladder: the bearer token is not a valid access token.",
        "properties": {
            "detail": STRING,
            "code": {"type": "string", "enum": ["token_not_valid"]},
            "messages": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "token_class": STRING,
                        "token_type": STRING,
                        "message": {"type": "string", "enum": ["Token is invalid", "Token is expired", "Token has wrong type"]},
                    },
                },
            },
        },
        "required": ["detail", "code", "messages"],
        "example": {
            "detail": "Given token not valid for any token type",
            "code": "token_not_valid",
            "messages": [{"token_class": "AccessToken", "token_type": "access", "message": "Token is expired"}],
        },
    },
    "Throttled": {
        "type": "object",
        "properties": {"detail": STRING},
        "required": ["detail"],
        "example": {"detail": "Request was throttled. Expected available in 42 seconds."},
    },
}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _response(description: str, schema: dict, examples: dict | None = None, headers: dict | None = None) -> dict:
    content: dict = {"schema": schema}
    if examples:
        content["examples"] = {name: {"value": value} for name, value in examples.items()}
    response = {"description": description, "content": {"application/json": content}}
    if headers:
        response["headers"] = headers
    return response


ERROR_RESPONSES = {
    "BAD_REQUEST": _response(
        "Body parsing (`Invalid JSON body`, `Missing required fields`), field validation (a field dict), "
        'or a rule of the endpoint (`{"error": ...}`).',
        {"anyOf": [_ref("ErrorMessage"), _ref("FieldErrors")]},
        {
            "invalid_json": {"error": "Invalid JSON body"},
            "missing_fields": {"error": "Missing required fields"},
            "field_errors": {"name": ["This field cannot be blank."]},
        },
    ),
    "UNAUTHORIZED": _response(
        "The authentication ladder (API.md 2.2): no bearer token, a token that is not a valid access token, "
        "a user that no longer exists, or (on verified-only operations) an unverified account.",
        {"anyOf": [_ref("ErrorMessage"), _ref("TokenNotValid")]},
        {
            "no_token": {"error": "You need to be authenticated"},
            "token_not_valid": ERROR_SCHEMAS["TokenNotValid"]["example"],
            "unknown_user": {"error": "Token is invalid"},
            "not_verified": {"error": "User account is not verified"},
        },
        {"WWW-Authenticate": {"description": "Always `Bearer`.", "schema": STRING}},
    ),
    "FORBIDDEN": _response(
        "Not allowed (for example `Staff only`).", _ref("ErrorMessage"), {"staff_only": {"error": "Staff only"}}
    ),
    "NOT_FOUND": _response("A path object is missing or soft-deleted.", _ref("NotFound")),
    "NOT_FOUND_OR_ERROR": _response(
        'A path object is missing (the generic 404), or the endpoint\'s own 404 (`{"error": ...}`).',
        {"anyOf": [_ref("NotFound"), _ref("ErrorMessage")]},
        {
            "not_found": ERROR_SCHEMAS["NotFound"]["example"],
            "hidden_list": {"error": "This movies list doesn't exist or you're not allowed to see it"},
        },
    ),
    "TOO_MANY_REQUESTS": _response("Rate limited (API.md 7.6).", _ref("Throttled"), headers={"Retry-After": RETRY_AFTER}),
    "SERVICE_UNAVAILABLE": _response(
        "A dependency (database, cache, media storage) cannot be reached (API.md 21).",
        _ref("ErrorMessage"),
        {"unavailable": {"error": "Service temporarily unavailable"}},
        {"Retry-After": RETRY_AFTER},
    ),
}


FIELD_TYPES = (
    (fields.Choice, "string", None),
    (fields.StrList, "array", None),
)


def contract_field_limits(converter, field, **kwargs) -> dict:
    """What apispec cannot read from a contract field (moviesx.schemas.fields): a non-blank Text's minLength, a
    Choice's values, a StrList's items."""
    limits = {}
    if isinstance(field, fields.Text) and not field.allow_blank:
        limits["minLength"] = 1
    if isinstance(field, fields.Choice):
        limits["enum"] = list(field.choices) + ([""] if field.allow_blank else [])
    if isinstance(field, fields.StrList):
        limits["items"] = {"type": "string"}
    return limits


class Api(flask_smorest.Api):
    DEFAULT_ERROR_RESPONSE_NAME = None  # no catch-all `default`: each operation lists the statuses it can send

    def _init_spec(self, **kwargs) -> None:
        super()._init_spec(**kwargs)
        for field_type, openapi_type, openapi_format in FIELD_TYPES:
            self.ma_plugin.map_to_openapi_type(field_type, openapi_type, openapi_format)
        self.ma_plugin.converter.add_attribute_function(contract_field_limits)
        self._register_converter(IdConverter, lambda converter: {"type": "integer", "minimum": 0})

    def register_blueprint(self, blp, **options) -> None:
        """The blueprint's tag carries its title (a human name), as its operations do."""
        super().register_blueprint(blp, **options)
        title = getattr(blp, "title", None)
        if title:
            for tag in self.spec.to_dict().get("tags", []):
                if tag["name"] == options.get("name", blp.name):
                    tag["name"] = title

    def _register_responses(self) -> None:
        for name, schema in ERROR_SCHEMAS.items():
            self.spec.components.schema(name, schema)
        for status in http.HTTPStatus:
            if status >= 400:
                response = ERROR_RESPONSES.get(status.name) or _response(status.phrase, _ref("ErrorMessage"))
                self.spec.components.response(status.name, response, lazy=True)
        self.spec.components.response("NOT_FOUND_OR_ERROR", ERROR_RESPONSES["NOT_FOUND_OR_ERROR"], lazy=True)
        self.spec.components.response("NOT_MODIFIED", NOT_MODIFIED, lazy=True)
