"""Ratings, unseen marks, reviews and lists of a movie (API.md 5.3)."""

from __future__ import annotations

from flask import jsonify

from moviesx.http.auth import VERIFIED, authenticated, current_facts, current_user
from moviesx.http.blueprint import Blueprint, resolves
from moviesx.http.lookup import get_or_404
from moviesx.http.pagination import cursor, page
from moviesx.models import Movie, Review
from moviesx.schemas.base import SLUG_LIST, SuccessSchema
from moviesx.schemas.social.activity import (
    RatingInputSchema,
    RatingPageSchema,
    RatingSchema,
    ReviewCursorSchema,
    ReviewInputSchema,
    ReviewSchema,
)
from moviesx.services.catalog.movie_keys import MovieKey, live_movie_key
from moviesx.services.social import ratings, reviews

blp = Blueprint(
    "movie_social",
    __name__,
    url_prefix="/api/movies",
    title="Your ratings and a movie's reviews",
    description="The caller's rating, unseen mark and lists of a movie, its reviews, and its ratings by the "
    "caller's friends. One rating per user and movie (1 to 5, never deleted); one live review per user and movie.",
)


def movie_by_slug(slug: str) -> Movie:
    return get_or_404(Movie, Movie.slug, slug)


@blp.route("/<movie_slug:slug>/reviews/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(movie=movie_by_slug)
@blp.response(200, ReviewCursorSchema)
@cursor(order=[(Review.id, True)])
def movie_reviews(movie: Movie):
    """Reviews of a movie

    Any verified user. A cursor page of the movie's live reviews, newest (highest id) first.
    """
    return reviews.live_reviews().where(Review.movie_id == movie.id)


@blp.route("/<movie_slug:slug>/reviews/", methods=["POST"])
@authenticated(VERIFIED)
@resolves(movie=movie_by_slug)
@blp.arguments(ReviewInputSchema)
@blp.response(201, ReviewSchema)
def create_review(data: dict, movie: Movie):
    """Review a movie

    Any verified user. Each user can have one live review per movie (400 `__all__` otherwise); after deleting
    it, the user may review the movie again.
    """
    return reviews.create_review(current_user(), movie, data)


@blp.route("/<movie_slug:slug>/ratings/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(movie=movie_by_slug)
@blp.response(200, RatingSchema)
@blp.alt_response(404, response="NOT_FOUND_OR_ERROR")
def my_rating(movie: Movie):
    """The caller's rating of a movie

    Any verified user. 404 `{"error": "Rating not found"}` when the caller has not rated it.
    """
    return ratings.rating_of(current_user(), movie)


@blp.route("/<movie_slug:slug>/ratings/", methods=["POST"])
@authenticated(VERIFIED)
@resolves(movie=live_movie_key)
@blp.arguments(RatingInputSchema)
@blp.response(201, RatingSchema)
def rate_movie(data: dict, movie: MovieKey):
    """Rate a movie

    Any verified user. An integer from 1 to 5; a movie is rated once (400 `You have already rated this movie`),
    then changed with PUT.
    """
    return ratings.rate(current_facts(), movie, data["rating"])


@blp.route("/<movie_slug:slug>/ratings/", methods=["PUT"])
@authenticated(VERIFIED)
@resolves(movie=live_movie_key)
@blp.arguments(RatingInputSchema)
@blp.response(200, RatingSchema)
@blp.alt_response(404, response="NOT_FOUND_OR_ERROR")
def change_rating(data: dict, movie: MovieKey):
    """Change the caller's rating of a movie

    Any verified user. `created_at` is kept; 404 `{"error": "Rating not found"}` when the caller has not rated it.
    """
    return ratings.change_rating(current_facts(), movie, data["rating"])


@blp.route("/<movie_slug:slug>/unseen/", methods=["POST"])
@authenticated(VERIFIED)
@resolves(movie=movie_by_slug)
@blp.response(200, SuccessSchema)
@blp.alt_response(400, response="BAD_REQUEST")
def mark_unseen(movie: Movie):
    """Mark a movie as unseen

    Any verified user. Unseen movies are left out of recommendations and can be searched for;
    400 `Movie already marked as unseen`.
    """
    ratings.mark_unseen(current_user(), movie)
    return {"success": True}


@blp.route("/<movie_slug:slug>/unseen/", methods=["DELETE"])
@authenticated(VERIFIED)
@resolves(movie=movie_by_slug)
@blp.response(200, SuccessSchema)
@blp.alt_response(400, response="BAD_REQUEST")
def unmark_unseen(movie: Movie):
    """Remove the unseen mark of a movie

    Any verified user. 400 `Movie not marked as unseen` when there is none.
    """
    ratings.unmark_unseen(current_user(), movie)
    return {"success": True}


@blp.route("/<movie_slug:slug>/friends-ratings/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(movie=movie_by_slug)
@blp.response(200, RatingPageSchema)
@page()
def friends_ratings(movie: Movie):
    """Friends' ratings of a movie

    Any verified user. A page of the ratings of this movie by the caller's friends, newest first (then id
    descending).
    """
    return ratings.friends_ratings(current_user(), movie)


@blp.route("/<movie_slug:slug>/movie-lists/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(movie=movie_by_slug)
@blp.response(200, SLUG_LIST)
def my_lists_with_movie(movie: Movie):
    """The caller's lists that contain a movie

    Any verified user. A plain array of the slugs of the caller's lists holding the movie, by list id.
    """
    return jsonify(ratings.list_slugs_with(current_user(), movie))
