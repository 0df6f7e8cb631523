"""Ratings, unseen marks, reviews and lists of a movie (API.md 5.3)."""

from __future__ import annotations

from flask_smorest import Blueprint

from moviesx.http.auth import VERIFIED, authenticated, current_user
from moviesx.http.body import accepts, load_json
from moviesx.http.lookup import get_or_404
from moviesx.http.pagination import cursor_envelope, page_envelope
from moviesx.models import Movie, Review
from moviesx.schemas.base import SLUG_LIST, SuccessSchema
from moviesx.schemas.social import (
    RatingInputSchema,
    RatingPageSchema,
    RatingSchema,
    ReviewCursorSchema,
    ReviewInputSchema,
    ReviewSchema,
    dump_ratings,
    dump_reviews,
)
from moviesx.services import ratings, reviews

blp = Blueprint(
    "movie_social",
    __name__,
    url_prefix="/api/movies",
    description="Ratings, unseen marks, reviews and lists of a movie",
)


def _movie(slug: str) -> Movie:
    return get_or_404(Movie, Movie.slug, slug)


@blp.route("/<movie_slug:slug>/reviews/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=ReviewCursorSchema)
def movie_reviews(slug):
    movie = _movie(slug)
    return cursor_envelope(reviews.live_reviews().where(Review.movie_id == movie.id), dump_reviews, order=[(Review.id, True)])


@blp.route("/<movie_slug:slug>/reviews/", methods=["POST"])
@authenticated(VERIFIED)
@accepts(ReviewInputSchema)
@blp.response(201, ReviewSchema)
def create_review(slug):
    movie = _movie(slug)
    data = load_json(ReviewInputSchema())
    return reviews.create_review(current_user(), movie, data)


@blp.route("/<movie_slug:slug>/ratings/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, RatingSchema)
def my_rating(slug):
    return ratings.rating_of(current_user(), _movie(slug))


@blp.route("/<movie_slug:slug>/ratings/", methods=["POST"])
@authenticated(VERIFIED)
@accepts(RatingInputSchema)
@blp.response(201, RatingSchema)
def rate_movie(slug):
    movie = _movie(slug)
    data = load_json(RatingInputSchema())
    return ratings.rate(current_user(), movie, data["rating"])


@blp.route("/<movie_slug:slug>/ratings/", methods=["PUT"])
@authenticated(VERIFIED)
@accepts(RatingInputSchema)
@blp.response(200, RatingSchema)
def change_rating(slug):
    movie = _movie(slug)
    data = load_json(RatingInputSchema())
    return ratings.change_rating(current_user(), movie, data["rating"])


@blp.route("/<movie_slug:slug>/unseen/", methods=["POST"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=SuccessSchema)
def mark_unseen(slug):
    ratings.mark_unseen(current_user(), _movie(slug))
    return {"success": True}


@blp.route("/<movie_slug:slug>/unseen/", methods=["DELETE"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=SuccessSchema)
def unmark_unseen(slug):
    ratings.unmark_unseen(current_user(), _movie(slug))
    return {"success": True}


@blp.route("/<movie_slug:slug>/friends-ratings/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=RatingPageSchema)
def friends_ratings(slug):
    return page_envelope(ratings.friends_ratings(current_user(), _movie(slug)), dump_ratings)


@blp.route("/<movie_slug:slug>/movie-lists/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=SLUG_LIST)
def my_lists_with_movie(slug):
    return ratings.list_slugs_with(current_user(), _movie(slug))
