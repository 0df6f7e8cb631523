"""Friendships, friend requests, ratings, unseen marks, reviews, comments and reactions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    exists,
    text,
)
from sqlalchemy.orm import Mapped, column_property, mapped_column, relationship

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.models.base import SoftDeleteMixin, TimestampMixin
from moviesx.models.feed import FRIENDS, FeedScope, OwnedToken

FRIEND_REQUEST_STATUSES = {"P": "Pending", "A": "Accepted", "R": "Rejected"}

EMOJIS = {
    "LIKE": "\U0001f44d",
    "LOVE": "\u2764\ufe0f",
    "LAUGH": "\U0001f602",
    "SAD": "\U0001f622",
    "FIRE": "\U0001f525",
    "EYES": "\U0001f440",
    "POOP": "\U0001f4a9",
    "SKULL": "\U0001f480",
    "CLOWN": "\U0001f921",
    "MIND_BLOWN": "\U0001f92f",
    "PARTY": "\U0001f973",
    "THINKING": "\U0001f914",
    "POPCORN": "\U0001f37f",
    "STAR": "\u2b50",
    "TOP": "\U0001f51d",
    "TRASH": "\U0001f5d1\ufe0f",
}

_LIVE = text("deleted_at IS NULL")


class Friendship(db.Model):
    """One directed row per side: (a, b) and (b, a) are written together so friends-of queries stay simple."""

    __tablename__ = "friendships"
    feed_scope = FeedScope.owner("user_id", "friend_id")
    cache_tokens = (OwnedToken(FRIENDS, "user_id"),)  # (both rows of a pair are written together)
    __table_args__ = (
        CheckConstraint("user_id <> friend_id", name="not_self"),
        # Friends' activity (API.md 16): the newest friendships overall, and per user.
        Index("ix_friendships_created_user_friend", "created_at", "user_id", "friend_id"),
        Index("ix_friendships_user_created_friend", "user_id", "created_at", "friend_id"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    friend_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=lambda: utcnow())


class FriendRequest(TimestampMixin, db.Model):
    """At most one row per unordered pair: `pair_low`/`pair_high` carry the constraint."""

    __tablename__ = "friend_requests"
    feed_scope = FeedScope.none()
    __table_args__ = (
        UniqueConstraint("pair_low", "pair_high"),
        Index("ix_friend_requests_to_status_created", "to_user_id", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    to_user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    pair_low: Mapped[int] = mapped_column(nullable=False)
    pair_high: Mapped[int] = mapped_column(nullable=False)
    status: Mapped[str] = mapped_column(String(1), nullable=False, default="P")

    from_user = relationship("User", foreign_keys=[from_user_id])
    to_user = relationship("User", foreign_keys=[to_user_id])


class Rating(TimestampMixin, db.Model):
    __tablename__ = "ratings"
    feed_scope = FeedScope.friends_of_owner("user_id")
    __table_args__ = (
        UniqueConstraint("user_id", "movie_id"),
        Index("ix_ratings_movie_created", "movie_id", "created_at"),
        # Friends' activity (API.md 16): the newest ratings overall (covering, so that the rows of non-friends it
        # skips cost no table read on PostgreSQL), and per user.
        Index("ix_ratings_rated_at_id", "rated_at", "id", postgresql_include=["user_id", "movie_id", "rating"]),
        Index("ix_ratings_user_rated_at_id", "user_id", "rated_at", "id"),
        # The feed (API.md 6.7): the likes (4+ stars) of the user's friends and the user's own positives, read from
        # the index alone (a friend's ratings are spread over the table: a third of a computed feed's time otherwise).
        Index("ix_ratings_user_rating_movie", "user_id", "rating", "movie_id"),
        CheckConstraint("rating BETWEEN 1 AND 5", name="range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"), nullable=False)
    rating: Mapped[int] = mapped_column(SmallInteger, nullable=False)
    # When the current value was set: at creation, then only when a write changes the value (`updated_at` moves on
    # every PUT, even one repeating the value). The time of the `rated` activity (API.md 16).
    rated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=lambda: utcnow())

    user = relationship("User")
    movie = relationship("Movie")


class UnseenMark(db.Model):
    __tablename__ = "unseen_marks"
    feed_scope = FeedScope.owner("user_id")

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=lambda: utcnow())


class Review(SoftDeleteMixin, db.Model):
    __tablename__ = "reviews"
    feed_scope = FeedScope.none()
    __table_args__ = (
        Index(
            "uq_reviews_user_movie_live",
            "user_id",
            "movie_id",
            unique=True,
            sqlite_where=_LIVE,
            postgresql_where=_LIVE,
        ),
        Index("ix_reviews_movie_id_id", "movie_id", "id"),
        # Friends' activity (API.md 16): the newest reviews overall (covering), and per user.
        Index("ix_reviews_created_at_id", "created_at", "id", postgresql_include=["user_id", "movie_id", "deleted_at"]),
        Index("ix_reviews_user_created_at_id", "user_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"), nullable=False)
    title: Mapped[str] = mapped_column(String(128), nullable=False)
    content: Mapped[str] = mapped_column(String(256), nullable=False)
    is_positive: Mapped[bool] = mapped_column(Boolean, nullable=False)

    user = relationship("User")
    movie = relationship("Movie")


class Comment(SoftDeleteMixin, db.Model):
    __tablename__ = "comments"
    feed_scope = FeedScope.none()
    __table_args__ = (Index("ix_comments_review_parent_id", "review_id", "parent_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), nullable=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), nullable=True, index=True)
    content: Mapped[str] = mapped_column(Text, nullable=False)

    user = relationship("User")
    review = relationship("Review")


_reply = Comment.__table__.alias("reply")
# Whether the comment has at least one live reply (API.md 4, 6.5): loaded with the row, so that a page of comments
# costs one query and dumping runs none.
Comment.has_replies = column_property(exists().where(_reply.c.parent_id == Comment.__table__.c.id, _reply.c.deleted_at.is_(None)))


class Reaction(SoftDeleteMixin, db.Model):
    """An emoji on a review (comment_id NULL) or on a comment (review_id NULL)."""

    __tablename__ = "reactions"
    feed_scope = FeedScope.none()
    __table_args__ = (
        CheckConstraint("(review_id IS NULL) <> (comment_id IS NULL)", name="one_target"),
        Index(
            "uq_reactions_review_live",
            "user_id",
            "review_id",
            "emoji",
            unique=True,
            sqlite_where=text("deleted_at IS NULL AND review_id IS NOT NULL"),
            postgresql_where=text("deleted_at IS NULL AND review_id IS NOT NULL"),
        ),
        Index(
            "uq_reactions_comment_live",
            "user_id",
            "comment_id",
            "emoji",
            unique=True,
            sqlite_where=text("deleted_at IS NULL AND comment_id IS NOT NULL"),
            postgresql_where=text("deleted_at IS NULL AND comment_id IS NOT NULL"),
        ),
        Index("ix_reactions_review", "review_id"),
        Index("ix_reactions_comment", "comment_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), nullable=True)
    comment_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"), nullable=True)
    emoji: Mapped[str] = mapped_column(String(16), nullable=False)
