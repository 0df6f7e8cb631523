"""Login, refresh and logout bodies, and the token shapes they return."""

from marshmallow import fields

from moviesx.schemas.base import InputSchema, OutputSchema
from moviesx.schemas.fields import Str


class LoginSchema(InputSchema):
    username = Str(required=True)
    password = Str(required=True)


class RefreshSchema(InputSchema):
    refresh = Str(required=True)


class TokenPairSchema(OutputSchema):
    refresh = fields.String()
    access = fields.String()


class AccessTokenSchema(OutputSchema):
    access = fields.String()
