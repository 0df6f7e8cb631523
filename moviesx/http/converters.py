"""Path converters of API.md 1.1: fixed segments are never object URLs."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import BaseConverter, ValidationError

from moviesx.http.params import parameter_text

USER_SEGMENTS = {"onboarding", "suggested-users", "preferred-language", "friend-requests", "friends", "searching"}
PERSON_SEGMENTS = {"actors", "directors", "searching"}


class UsernameConverter(BaseConverter):
    # The fixed segments of /api/users/ are excluded by the pattern itself (not only by to_python), so that the
    # methods a fixed segment allows (405's and OPTIONS' `Allow`) never include those of `<username>` routes.
    regex = r"(?!(?:%s)(?![A-Za-z0-9_]))[A-Za-z0-9_]+" % "|".join(
        sorted(segment for segment in USER_SEGMENTS if "-" not in segment)
    )


class MovieSlugConverter(BaseConverter):
    regex = r"[\w-]+"

    def to_python(self, value: str) -> str:
        if value == "searching":
            raise ValidationError()
        return value


class SegmentConverter(BaseConverter):
    """Any segment (`<slug>` without a converter name: list, award and catalogue slugs).

    The only path pattern that lets NUL through (API.md 1.1); such a segment names no object (API.md 3.2b).
    """

    regex = r"[^/]+"

    def to_python(self, value: str) -> str:
        return parameter_text(value)


class SlugConverter(SegmentConverter):
    """Person slugs: any segment, except the fixed words of their routes."""

    def to_python(self, value: str) -> str:
        if value in PERSON_SEGMENTS:
            raise ValidationError()
        return super().to_python(value)


class PathId(int):
    """An id from the path: compares and binds as an int; `str()` gives the segment as written (API.md 3.1)."""

    def __new__(cls, segment: str):
        # More than 19 significant digits is past the database range anyway; int() refuses > 4300 digits.
        value = int(segment) if len(segment.lstrip("0")) <= 19 else 2**63
        number = super().__new__(cls, value)
        number.segment = segment
        return number

    def __str__(self) -> str:
        return self.segment


class IdConverter(BaseConverter):
    """ASCII decimal digits of any length; values past the database range name no object (API.md 3.2b)."""

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        return PathId(value)

    def to_url(self, value) -> str:
        return str(value)


def register_converters(app: Flask) -> None:
    app.url_map.converters.update(
        default=SegmentConverter, username=UsernameConverter, movie_slug=MovieSlugConverter, slug=SlugConverter, id=IdConverter
    )
