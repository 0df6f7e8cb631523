"""Soft delete is the default everywhere (API.md 6.5): queries, counts, joins and relationship loads."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from moviesx.extensions import db
from moviesx.models import INCLUDE_DELETED, Comment, Genre, Movie, Review
from tests.factories import CommentFactory, GenreFactory, MovieFactory, ReviewFactory, link_movie


def test_deleted_rows_are_hidden_from_queries_and_counts(app):
    kept, gone = GenreFactory(), GenreFactory()
    gone.delete()
    db.session.commit()
    assert db.session.scalars(select(Genre)).all() == [kept]
    assert db.session.scalar(select(func.count()).select_from(Genre)) == 1
    assert db.session.scalar(select(func.count()).select_from(select(Genre).subquery())) == 1
    assert db.session.scalar(select(Genre).where(Genre.id == gone.id)) is None
    visible = db.session.scalars(select(Genre).execution_options(**{INCLUDE_DELETED: True})).all()
    assert {genre.id for genre in visible} == {kept.id, gone.id}


def test_deleted_rows_are_hidden_from_relationship_loads(app):
    movie = MovieFactory()
    drama, comedy = GenreFactory(name="Drama"), GenreFactory(name="Comedy")
    link_movie(movie, genres=[drama, comedy])
    comedy.delete()
    db.session.commit()
    movie_id = movie.id
    db.session.expunge_all()
    lazy = db.session.scalar(select(Movie).where(Movie.id == movie_id))
    assert [genre.name for genre in lazy.genres] == ["Drama"]
    db.session.expunge_all()
    eager = db.session.scalar(select(Movie).options(selectinload(Movie.genres)))
    assert [genre.name for genre in eager.genres] == ["Drama"]


def test_deleted_rows_are_hidden_from_joins(app):
    review = ReviewFactory()
    review.movie.delete()
    db.session.commit()
    assert db.session.scalars(select(Review).join(Movie, Movie.id == Review.movie_id)).all() == []


def test_restore_and_hard_delete(app):
    genre = GenreFactory()
    genre.delete()
    db.session.commit()
    assert genre.is_deleted
    genre.restore()
    db.session.commit()
    assert db.session.scalar(select(Genre)) == genre
    genre.hard_delete()
    db.session.commit()
    assert db.session.scalars(select(Genre).execution_options(**{INCLUDE_DELETED: True})).all() == []


def test_bulk_soft_delete(app):
    review = ReviewFactory()
    comments = [CommentFactory(review=review) for _ in range(3)]
    other = CommentFactory()
    assert Comment.bulk_delete(Comment.review_id == review.id) == 3
    db.session.commit()
    assert db.session.scalars(select(Comment)).all() == [other]
    hidden = db.session.scalars(
        select(Comment).where(Comment.review_id == review.id).execution_options(**{INCLUDE_DELETED: True})
    ).all()
    assert {comment.id for comment in hidden} == {comment.id for comment in comments}
    assert all(comment.deleted_at is not None for comment in hidden)
    # already deleted rows are not touched again
    assert Comment.bulk_delete(Comment.review_id == review.id) == 0


def test_unique_live_review_allows_a_new_one_after_delete(app):
    review = ReviewFactory()
    review.delete()
    db.session.commit()
    again = ReviewFactory(user=review.user, movie=review.movie)
    assert again.id != review.id
