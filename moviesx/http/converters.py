"""Path converters of API.md 1.1: fixed segments are never object URLs."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

USER_SEGMENTS = {"onboarding", "suggested-users", "preferred-language", "friend-requests", "friends", "searching"}
PERSON_SEGMENTS = {"actors", "directors", "searching"}


class UsernameConverter(BaseConverter):
    regex = r"[A-Za-z0-9_]+"

    def to_python(self, value: str) -> str:
        if value in USER_SEGMENTS:
            raise ValidationError()
        return value


class MovieSlugConverter(BaseConverter):
    regex = r"[\w-]+"

    def to_python(self, value: str) -> str:
        if value == "searching":
            raise ValidationError()
        return value


class SlugConverter(BaseConverter):
    """Person, award and list slugs: any segment, except the fixed words of their routes."""

    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        if value in PERSON_SEGMENTS:
            raise ValidationError()
        return value


class IdConverter(BaseConverter):
    """Decimal digits of any length; values past the database range name no object (API.md 3.2b)."""

    regex = r"\d+"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(value)


def register_converters(app: Flask) -> None:
    app.url_map.converters.update(username=UsernameConverter, movie_slug=MovieSlugConverter, slug=SlugConverter, id=IdConverter)
