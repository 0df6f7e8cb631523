"""Movie detail and search (API.md 5.3)."""

from __future__ import annotations

from moviesx.http.auth import VERIFIED, authenticated, caller_id
from moviesx.http.blueprint import Blueprint, resolves
from moviesx.http.conditional import Representation
from moviesx.http.language import active_language
from moviesx.http.pagination import page
from moviesx.schemas.catalog.items import MovieSchema
from moviesx.schemas.catalog.search import MoviePageSchema, MovieSearchArgs
from moviesx.services.catalog import representations
from moviesx.services.catalog.movie_search import MovieFilters, search_movies

blp = Blueprint(
    "movies",
    __name__,
    url_prefix="/api/movies",
    title="Movies",
    description="The movie catalogue. A movie nests its genres and platforms and links its awards, actors and "
    "directors by URL; its title, synopsis and cover come in the caller's language, falling back to English. "
    "Soft-deleted movies, and soft-deleted objects in a movie's arrays, never appear.",
)


@blp.route("/searching/", methods=["GET"])
@authenticated(VERIFIED)
@blp.arguments(MovieSearchArgs, location="query")
@blp.response(200, MoviePageSchema)
@page(items=representations.movie_bodies, shared=representations.search_page)
def movie_search(args: dict):
    """Search movies

    Any verified user. A page of live movies, without duplicates, newest release first (then highest id).
    Every filter given must match; within one filter, any of its values may match. `genres[]`, `platforms[]`,
    `celebrities[]`, `actors[]` and `directors[]` take slugs, and an unknown slug matches nothing; `stars[]`,
    `marked_unseen` and `reviewed` filter on the caller's own ratings, unseen marks and reviews. An array
    parameter may also be written without brackets (`genres=drama`); it keeps its first 50 distinct values.
    Parameters not listed here are ignored: `?q=storm` lists every movie, `?name=storm` searches titles.
    """
    return search_movies(MovieFilters(**args), caller_id(), active_language())


@blp.route("/<movie_slug:slug>/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(movie=representations.movie)
@blp.conditional_response(MovieSchema)
def movie_detail(movie: Representation):
    """Get a movie

    Any verified user. The movie with its live genres and platforms, and the URLs of its live awards, actors
    and directors. A soft-deleted movie is the generic 404. The answer carries an `ETag`: send it back in
    `If-None-Match` to get a 304 without a body while the movie is unchanged.
    """
    return movie
