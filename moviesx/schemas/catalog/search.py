"""Movie search (API.md 5.3): its query parameters and its page envelope."""

from __future__ import annotations

from moviesx.schemas.base import InputSchema, page_of
from moviesx.schemas.catalog.items import MovieSchema
from moviesx.schemas.query import QueryArray, QueryFlag, QueryText

STARS = ("1", "2", "3", "4", "5")


class StarsArray(QueryArray):
    """`stars[]`: the documented values are the five ratings; any other value is read as well and matches nothing."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.inner.metadata = {**self.inner.metadata, "enum": list(STARS)}


class MovieSearchArgs(InputSchema):
    """The filters of `GET /api/movies/searching/`: ANDed together, the values of one filter ORed."""

    name = QueryText(
        load_default="",
        metadata={
            "description": "Case-insensitive part of the base title or of the title in the caller's language "
            "(blank or absent: no filter).",
            "example": "storm",
        },
    )
    genres = QueryArray(data_key="genres[]", metadata={"description": "Genre slugs: movies with one of these genres."})
    platforms = QueryArray(data_key="platforms[]", metadata={"description": "Platform slugs: movies on one of these platforms."})
    celebrities = QueryArray(
        data_key="celebrities[]",
        metadata={"description": "Person slugs: movies with one of these persons as actor or as director."},
    )
    actors = QueryArray(data_key="actors[]", metadata={"description": "Person slugs: movies with one of them as actor."})
    directors = QueryArray(data_key="directors[]", metadata={"description": "Person slugs: movies with one of them as director."})
    stars = StarsArray(
        data_key="stars[]", metadata={"description": "Ratings from 1 to 5: movies the caller rated with one of them."}
    )
    marked_unseen = QueryFlag(
        metadata={"description": "`true` (any case): only movies the caller marked unseen. Any other value: no filter."}
    )
    reviewed = QueryFlag(
        metadata={"description": "`true` (any case): only movies the caller has a live review of. Any other value: no filter."}
    )


MoviePageSchema = page_of(MovieSchema)
