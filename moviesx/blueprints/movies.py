"""Movie detail and search."""

from __future__ import annotations

from flask_smorest import Blueprint

from moviesx.http.auth import VERIFIED, authenticated, current_user
from moviesx.http.language import active_language
from moviesx.http.lookup import get_or_404
from moviesx.http.pagination import page_envelope
from moviesx.http.params import arg_bool, arg_list, arg_str
from moviesx.models import Movie
from moviesx.schemas.base import page_of
from moviesx.schemas.catalog import MovieSchema, movie_load_options
from moviesx.services.movie_search import MovieFilters, search_movies

blp = Blueprint("movies", __name__, url_prefix="/api/movies", description="Movie detail and search")


@blp.route("/searching/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=page_of(MovieSchema))
def movie_search():
    """PP of live movies matching every filter, newest release first."""
    filters = MovieFilters(
        name=arg_str("name", ""),
        genres=arg_list("genres"),
        platforms=arg_list("platforms"),
        actors=arg_list("actors"),
        directors=arg_list("directors"),
        celebrities=arg_list("celebrities"),
        stars=arg_list("stars"),
        marked_unseen=arg_bool("marked_unseen"),
        reviewed=arg_bool("reviewed"),
    )
    stmt = search_movies(filters, current_user().id, active_language())
    return page_envelope(stmt, MovieSchema(many=True).dump)


@blp.route("/<movie_slug:slug>/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, MovieSchema)
def movie_detail(slug: str):
    return get_or_404(Movie, Movie.slug, slug, options=movie_load_options())
