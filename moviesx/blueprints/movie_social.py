"""Ratings, unseen marks, reviews and lists of a movie."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint(
    "movie_social",
    __name__,
    url_prefix="/api/movies",
    description="Ratings, unseen marks, reviews and lists of a movie",
)
