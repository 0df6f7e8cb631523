"""/api/movies-lists/: movie lists, their privacy and their movies (API.md 5.4, 6.2, 6.7)."""

from __future__ import annotations

from flask_smorest import Blueprint

from moviesx.http.auth import authenticated, current_user
from moviesx.http.body import accepts, load_json
from moviesx.http.lookup import get_or_404, user_or_404
from moviesx.http.pagination import cursor_envelope, page_envelope
from moviesx.http.params import arg_bool, arg_list, arg_str
from moviesx.models import Movie, MovieList
from moviesx.schemas.catalog import movie_load_options
from moviesx.schemas.lists import (
    ListMoviePageSchema,
    MovieListCursorSchema,
    MovieListInputSchema,
    MovieListPageSchema,
    MovieListSchema,
    SuccessSchema,
)
from moviesx.services import lists

blp = Blueprint("lists", __name__, url_prefix="/api/movies-lists", description="Movie lists")


@blp.route("/", methods=["GET"])
@authenticated()
@blp.response(200, MovieListPageSchema)
def my_lists():
    return page_envelope(lists.own_lists(current_user()), list)


@blp.route("/", methods=["POST"])
@authenticated()
@accepts(MovieListInputSchema)
@blp.response(201, MovieListSchema)
def create_list():
    data = load_json(MovieListInputSchema())
    return lists.create_list(
        current_user(),
        data,
        intelligent=arg_bool("intelligent"),
        genres=arg_list("genres"),
        celebrities=arg_list("celebrities"),
        friends=arg_list("friends"),
    )


@blp.route("/searching/", methods=["GET"])
@authenticated()
@blp.response(200, MovieListPageSchema)
def search_lists():
    return page_envelope(lists.searchable_lists(current_user(), arg_str("query")), list)


@blp.route("/<username:username>/", methods=["GET"])
@authenticated()
@blp.response(200, MovieListCursorSchema)
def user_lists(username):
    owner = user_or_404(username)
    return cursor_envelope(lists.visible_lists_for(current_user(), owner), list, order=[(MovieList.id, True)])


@blp.route("/<username:username>/<slug>/", methods=["GET"])
@authenticated()
@blp.response(200, MovieListSchema)
def list_detail(username, slug):
    return lists.visible_list_or_404(current_user(), user_or_404(username), slug)


@blp.route("/<username:username>/<slug>/", methods=["PUT"])
@authenticated()
@accepts(MovieListInputSchema)
@blp.response(200, MovieListSchema)
def update_list(username, slug):
    movie_list = lists.owned_list_or_404(current_user(), user_or_404(username), slug)
    return lists.update_list(movie_list, load_json(MovieListInputSchema()))


@blp.route("/<username:username>/<slug>/", methods=["DELETE"])
@authenticated()
@blp.response(200, SuccessSchema)
def delete_list(username, slug):
    lists.delete_list(lists.owned_list_or_404(current_user(), user_or_404(username), slug))
    return {"success": True}


def _editable_list_and_movie(username: str, slug: str, movie_slug: str) -> tuple[MovieList, Movie]:
    """In the contract's order: owner (404 User), list (404 L), movie (404 Movie), ownership (403 L)."""
    viewer = current_user()
    movie_list = lists.visible_list_or_404(viewer, user_or_404(username), slug)
    movie = get_or_404(Movie, Movie.slug, movie_slug)
    if movie_list.user_id != viewer.id:
        raise lists.not_visible(403)
    return movie_list, movie


@blp.route("/<username:username>/<slug>/<movie_slug:movie_slug>/", methods=["POST"])
@authenticated()
@blp.response(200, MovieListSchema)
def add_movie(username, slug, movie_slug):
    return lists.add_movie(*_editable_list_and_movie(username, slug, movie_slug))


@blp.route("/<username:username>/<slug>/<movie_slug:movie_slug>/", methods=["DELETE"])
@authenticated()
@blp.response(200, SuccessSchema)
def remove_movie(username, slug, movie_slug):
    lists.remove_movie(*_editable_list_and_movie(username, slug, movie_slug))
    return {"success": True}


@blp.route("/<username:username>/<slug>/movies/searching/", methods=["GET"])
@authenticated()
@blp.response(200, ListMoviePageSchema)
def search_list_movies(username, slug):
    movie_list = lists.visible_list_or_404(current_user(), user_or_404(username), slug)
    return page_envelope(lists.list_movies(movie_list, arg_str("query"), movie_load_options()), list)
