"""Output shapes of the feed (API.md 17): a recommended movie with the reasons it is recommended."""

from __future__ import annotations

from marshmallow import fields, post_dump

from moviesx.http.urls import award_url, movie_url, user_url
from moviesx.schemas.base import OutputSchema
from moviesx.schemas.catalog.items import EXAMPLE_ROOT, URL, MovieSchema

REASON_KINDS = ("because_you_liked", "friends_liked", "awards", "popular", "padding")


def _urls(build, attribute: str, example: str, description: str) -> fields.Function:
    return fields.Function(
        lambda reason: None if getattr(reason, attribute) is None else [build(value) for value in getattr(reason, attribute)],
        metadata={"type": "array", "items": URL, "maxItems": 3, "example": [example], "description": description},
    )


class ReasonSchema(OutputSchema):
    """One reason; only the keys of its kind are present."""

    kind = fields.String(
        required=True,
        metadata={
            "enum": list(REASON_KINDS),
            "example": "because_you_liked",
            "description": "`because_you_liked` (with `movies`), `friends_liked` (with `users` and `count`), `awards` "
            "(with `awards`), `popular` (the popularity fallback proposed it) or `padding` (it fills the feed up).",
        },
    )
    movies = _urls(
        movie_url,
        "movies",
        f"{EXAMPLE_ROOT}/api/movies/the-matrix/",
        "Up to 3 of the caller's movies rated 4 or more that contribute most to this movie's model score, largest first.",
    )
    users = _urls(
        user_url, "users", f"{EXAMPLE_ROOT}/api/users/jane/", "Up to 3 friends who rated it 4 or more, most recent rating first."
    )
    count = fields.Integer(metadata={"example": 5, "description": "How many friends rated it 4 or more."})
    awards = _urls(award_url, "awards", f"{EXAMPLE_ROOT}/api/awards/best-picture-2020/", "Up to 3 of its live awards, by id.")

    @post_dump
    def _only_its_keys(self, data: dict, **_) -> dict:
        return {key: value for key, value in data.items() if value is not None}


class RecommendationSchema(OutputSchema):
    movie = fields.Nested(MovieSchema, required=True)
    reasons = fields.List(fields.Nested(ReasonSchema), required=True, metadata={"description": "In the order of the kinds."})
