"""Reviews and their comment threads (API.md 5.5, 6.3, 6.5, 6.6)."""

from __future__ import annotations

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import joinedload

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.http.errors import APIError, error, translate
from moviesx.http.lookup import get_or_404
from moviesx.models import Comment, Movie, Reaction, Review, User
from moviesx.services.transactions import commit_or

ONE_REVIEW = "Each user can only have one active review per movie."


def review_load_options() -> list:
    return [joinedload(Review.movie), joinedload(Review.user)]


def _movie_is_live():
    return exists(select(Movie.id).where(Movie.id == Review.movie_id, Movie.deleted_at.is_(None)))


def live_reviews() -> Select:
    """Live reviews of live movies, with what the Review shape needs."""
    return select(Review).where(_movie_is_live()).options(*review_load_options())


def review_or_404(review_id: int) -> Review:
    return get_or_404(Review, Review.id, review_id, _movie_is_live(), options=review_load_options())


def comment_or_404(review: Review, comment_id: int) -> Comment:
    """A live comment of exactly this review (API.md 6.6)."""
    return get_or_404(Comment, Comment.id, comment_id, Comment.review_id == review.id, options=[joinedload(Comment.user)])


def _one_review_error() -> APIError:
    return APIError(400, {"__all__": [translate(ONE_REVIEW)]})


def create_review(user: User, movie: Movie, data: dict) -> Review:
    taken = db.session.scalar(select(Review.id).where(Review.user_id == user.id, Review.movie_id == movie.id))
    if taken is not None:
        raise _one_review_error()
    review = Review(user_id=user.id, movie_id=movie.id, **data)
    db.session.add(review)
    commit_or(_one_review_error())
    return review


def require_owner(owner_id: int, user: User, message: str) -> None:
    if owner_id != user.id:
        raise error(403, message)


def update_review(review: Review, data: dict) -> Review:
    for key, value in data.items():
        setattr(review, key, value)
    review.updated_at = utcnow()
    db.session.commit()
    return review


def delete_review(review: Review) -> None:
    """Soft-delete the review, every comment of it at any depth, and every reaction on them."""
    Reaction.bulk_delete(Reaction.comment_id.in_(select(Comment.id).where(Comment.review_id == review.id)))
    Reaction.bulk_delete(Reaction.review_id == review.id)
    Comment.bulk_delete(Comment.review_id == review.id)
    review.delete()
    db.session.commit()


def top_level_comments(review: Review) -> Select:
    return select(Comment).where(Comment.review_id == review.id, Comment.parent_id.is_(None)).options(joinedload(Comment.user))


def replies_to(comment: Comment) -> Select:
    return select(Comment).where(Comment.parent_id == comment.id).options(joinedload(Comment.user))


def add_comment(user: User, review: Review, content: str, parent: Comment | None = None) -> Comment:
    comment = Comment(review_id=review.id, user_id=user.id, content=content, parent_id=parent.id if parent else None)
    db.session.add(comment)
    db.session.commit()
    return comment


def update_comment(comment: Comment, content: str) -> Comment:
    comment.content = content
    comment.updated_at = utcnow()
    db.session.commit()
    return comment


def delete_comment(comment: Comment) -> None:
    """Soft-delete the comment, its replies at every depth, and the reactions on all of them."""
    thread = select(Comment.id).where(Comment.id == comment.id).cte("thread", recursive=True)
    thread = thread.union_all(select(Comment.id).where(Comment.parent_id == thread.c.id, Comment.deleted_at.is_(None)))
    ids = list(db.session.scalars(select(thread.c.id)))
    Reaction.bulk_delete(Reaction.comment_id.in_(ids))
    Comment.bulk_delete(Comment.id.in_(ids))
    db.session.commit()
