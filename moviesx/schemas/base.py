"""Base schemas: unknown keys are ignored on input (API.md 1.2); output keeps declaration order.

Also the generic output envelopes (API.md 3.3) and status bodies shared by every domain.
"""

from __future__ import annotations

from functools import cache

from marshmallow import EXCLUDE, Schema, fields

from moviesx.schemas.fields import use_contract_messages


class InputSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    def on_bind_field(self, field_name: str, field_obj: fields.Field) -> None:
        use_contract_messages(field_obj)


class OutputSchema(Schema):
    """Dump-only shapes of API.md section 4."""


def _envelope_name(item_schema: type[Schema], kind: str) -> str:
    return f"{item_schema.__name__.removesuffix('Schema')}{kind}Schema"


@cache
def page_of(item_schema: type[Schema], name: str | None = None) -> type[OutputSchema]:
    """The page envelope (PP, API.md 3.3) whose `results` are `item_schema` objects.

    Cached, so each item schema gets one class and one OpenAPI component (default name `<Item>Page`).
    """
    return type(
        name or _envelope_name(item_schema, "Page"),
        (OutputSchema,),
        {
            "results": fields.List(fields.Nested(item_schema)),
            "count": fields.Integer(),
            "total_pages": fields.Integer(),
            "current_page": fields.Integer(),
            "has_next": fields.Boolean(),
            "has_previous": fields.Boolean(),
        },
    )


@cache
def cursor_of(item_schema: type[Schema], name: str | None = None) -> type[OutputSchema]:
    """The cursor envelope (CP, API.md 3.3) whose `results` are `item_schema` objects (default name `<Item>Cursor`)."""
    return type(
        name or _envelope_name(item_schema, "Cursor"),
        (OutputSchema,),
        {
            "results": fields.List(fields.Nested(item_schema)),
            "next_last_id": fields.Integer(allow_none=True),
            "count": fields.Integer(),
        },
    )


class SuccessSchema(OutputSchema):
    """`{"success": true}`."""

    success = fields.Boolean()


class StatusMessageSchema(OutputSchema):
    """`{"status": "<translated message>"}`."""

    status = fields.String()


SLUG_LIST = {"type": "array", "items": {"type": "string"}}
"""OpenAPI schema of a plain JSON array of slugs (documentation only)."""
