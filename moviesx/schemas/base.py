"""Base schemas: unknown keys are ignored on input (API.md 1.2); output keeps declaration order."""

from marshmallow import EXCLUDE, Schema


class InputSchema(Schema):
    class Meta:
        unknown = EXCLUDE


class OutputSchema(Schema):
    """Dump-only shapes of API.md section 4."""
