"""/api/movies-lists/: movie lists, their privacy and their movies (API.md 5.4, 6.2, 6.7)."""

from __future__ import annotations

from flask import g

from moviesx.http.auth import authenticated, caller_id, current_user
from moviesx.http.blueprint import Blueprint, permits, resolves
from moviesx.http.conditional import Representation, json_response
from moviesx.http.lookup import get_or_404, user_or_404
from moviesx.http.pagination import cursor, page
from moviesx.models import Movie, MovieList
from moviesx.schemas.catalog.items import movie_load_options
from moviesx.schemas.lists import (
    ListFillArgs,
    ListMoviePageSchema,
    ListMovieSearchArgs,
    ListSearchArgs,
    MovieListCursorSchema,
    MovieListInputSchema,
    MovieListPageSchema,
    MovieListSchema,
    SuccessSchema,
)
from moviesx.services.lists import detail_cache, privacy, writes

blp = Blueprint(
    "lists",
    __name__,
    url_prefix="/api/movies-lists",
    title="Movie lists",
    description="Movie lists. `privacity`: `P` public, `F` friends only, `R` private. The owner sees every list, "
    "a friend of the owner `P` and `F`, anyone else `P`; an invisible list answers exactly like a missing one "
    "(404 `This movies list doesn't exist or you're not allowed to see it`). Only the owner edits.",
)


def visible_list(username: str, slug: str) -> MovieList:
    """The owner (generic 404 `User`), then the list when the caller may see it (privacy 404)."""
    return privacy.visible_list_or_404(current_user(), user_or_404(username), slug)


def cached_list(username: str, slug: str) -> Representation:
    """The body of a list the caller may see (the same 404s as `visible_list`), from its cached representation."""
    return detail_cache.list_detail(g.user_id, username, slug, lambda: visible_list(username, slug))


def own_list(username: str, slug: str) -> MovieList:
    """The owner (generic 404 `User`), then the list when the caller owns it (privacy 404 otherwise)."""
    return privacy.owned_list_or_404(current_user(), user_or_404(username), slug)


def listed_movie(movie_slug: str) -> Movie:
    return get_or_404(Movie, Movie.slug, movie_slug)


def list_owner(movie_list: MovieList) -> None:
    """A visible list of someone else: 403 with the privacy message."""
    if movie_list.user_id != caller_id():
        raise privacy.not_visible(403)


@blp.route("/", methods=["GET"])
@authenticated()
@blp.response(200, MovieListPageSchema)
@page()
def my_lists():
    """The caller's lists

    Any verified user. A page of all the caller's lists, id ascending.
    """
    return privacy.own_lists(current_user())


@blp.route("/", methods=["POST"])
@authenticated()
@blp.arguments(MovieListInputSchema)
@blp.arguments(ListFillArgs, location="query")
@blp.response(201, MovieListSchema)
def create_list(data: dict, fill: dict):
    """Create a list

    Any verified user. The slug is the slugified name (unique per owner: 400 `__all__` otherwise). With
    `intelligent=true` the list is filled with up to 50 recommended movies, optionally steered by `genres[]`,
    `celebrities[]` and `friends[]`; the first unknown genre, celebrity or non-friend is a 400 `{"error": ...}`.
    Otherwise the list starts empty.
    """
    return writes.create_list(current_user(), data, **fill)


@blp.route("/searching/", methods=["GET"])
@authenticated()
@blp.arguments(ListSearchArgs, location="query")
@blp.response(200, MovieListPageSchema)
@page()
def search_lists(args: dict):
    """Search lists by name

    Any verified user. A page of the lists the caller may see (own, public, friends' `F`) whose name contains
    `query` (ignoring case), id ascending.
    """
    return privacy.searchable_lists(current_user(), args.get("query"))


@blp.route("/<username:username>/", methods=["GET"])
@authenticated()
@resolves(owner=user_or_404)
@blp.response(200, MovieListCursorSchema)
@cursor(order=[(MovieList.id, True)])
def user_lists(owner):
    """A user's lists

    Any verified user. A cursor page of the user's lists that the caller may see, id descending; invisible
    lists are left out, and out of `count`.
    """
    return privacy.visible_lists_for(current_user(), owner)


@blp.route("/<username:username>/<slug>/", methods=["GET"])
@authenticated()
@resolves(movie_list=cached_list)
@blp.response(200, MovieListSchema)
@blp.alt_response(404, response="NOT_FOUND_OR_ERROR")
def list_detail(movie_list: Representation):
    """Get a list

    Any verified user who may see it; a missing or invisible list is the privacy 404.
    """
    return json_response(movie_list.body)


@blp.route("/<username:username>/<slug>/", methods=["PUT"])
@authenticated()
@resolves(movie_list=own_list)
@blp.arguments(MovieListInputSchema)
@blp.response(200, MovieListSchema)
@blp.alt_response(404, response="NOT_FOUND_OR_ERROR")
def update_list(data: dict, movie_list: MovieList):
    """Change a list

    The owner only (anyone else gets the privacy 404). The slug is derived again from the name; an absent
    `description` is left unchanged.
    """
    return writes.update_list(movie_list, data)


@blp.route("/<username:username>/<slug>/", methods=["DELETE"])
@authenticated()
@resolves(movie_list=own_list)
@blp.response(200, SuccessSchema)
@blp.alt_response(404, response="NOT_FOUND_OR_ERROR")
def delete_list(movie_list: MovieList):
    """Delete a list

    The owner only (anyone else gets the privacy 404). The list is deleted for good.
    """
    writes.delete_list(movie_list)
    return {"success": True}


@blp.route("/<username:username>/<slug>/<movie_slug:movie_slug>/", methods=["POST"])
@authenticated()
@resolves(movie_list=visible_list, movie=listed_movie)
@permits(list_owner)
@blp.response(200, MovieListSchema)
@blp.alt_response(404, response="NOT_FOUND_OR_ERROR")
@blp.alt_response(403, response="FORBIDDEN")
@blp.alt_response(400, response="BAD_REQUEST")
def add_movie(movie_list: MovieList, movie: Movie):
    """Add a movie to a list

    The owner only: a list the caller may see but does not own is a 403. The movie is appended (no change
    when it is already there); a list holds at most 1000 movies.
    """
    return writes.add_movie(movie_list, movie)


@blp.route("/<username:username>/<slug>/<movie_slug:movie_slug>/", methods=["DELETE"])
@authenticated()
@resolves(movie_list=visible_list, movie=listed_movie)
@permits(list_owner)
@blp.response(200, SuccessSchema)
@blp.alt_response(404, response="NOT_FOUND_OR_ERROR")
@blp.alt_response(403, response="FORBIDDEN")
def remove_movie(movie_list: MovieList, movie: Movie):
    """Remove a movie from a list

    The owner only: a list the caller may see but does not own is a 403. Also 200 when the movie was not in it.
    """
    writes.remove_movie(movie_list, movie)
    return {"success": True}


@blp.route("/<username:username>/<slug>/movies/searching/", methods=["GET"])
@authenticated()
@resolves(movie_list=visible_list)
@blp.arguments(ListMovieSearchArgs, location="query")
@blp.response(200, ListMoviePageSchema)
@blp.alt_response(404, response="NOT_FOUND_OR_ERROR")
@page()
def search_list_movies(args: dict, movie_list: MovieList):
    """Search the movies of a list

    Any verified user who may see the list. A page of its live movies whose base or translated title contains
    `query` (ignoring case), in list order.
    """
    return writes.list_movies(movie_list, args.get("query"), movie_load_options())
