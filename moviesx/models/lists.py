"""Movie lists (hard-deleted) and their ordered items."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.models.base import TimestampMixin
from moviesx.models.feed import LIST, FeedScope, OwnedToken
from moviesx.slugify import slugify

PRIVACY_CODES = ("P", "F", "R")
MAX_MOVIES_PER_LIST = 1000
SLUG_LENGTH = 128


def list_slug(name: str) -> str:
    """The slug of a list name (API.md 6.9), cut to the column's 128 characters."""
    return slugify(name)[:SLUG_LENGTH]


class MovieList(TimestampMixin, db.Model):
    __tablename__ = "movie_lists"
    feed_scope = FeedScope.none()
    cache_tokens = (OwnedToken(LIST, "id"),)
    __table_args__ = (
        UniqueConstraint("user_id", "slug"),
        # Friends' activity (API.md 16): the newest lists overall (covering), and per owner.
        Index("ix_movie_lists_created_at_id", "created_at", "id", postgresql_include=["user_id", "privacity"]),
        Index("ix_movie_lists_user_created_at_id", "user_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    name: Mapped[str] = mapped_column(String(128), nullable=False)
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), nullable=False)
    description: Mapped[str] = mapped_column(String(1000), nullable=False, default="")
    privacity: Mapped[str] = mapped_column(String(1), nullable=False, default="P")

    user = relationship("User")
    items = relationship("MovieListItem", cascade="all, delete-orphan", order_by="MovieListItem.position", passive_deletes=True)
    # Live movies in list order, read-only: write membership through MovieListItem (services.lists).
    movies = relationship("Movie", secondary="movie_list_items", order_by="MovieListItem.position", viewonly=True)


class MovieListItem(db.Model):
    __tablename__ = "movie_list_items"
    feed_scope = FeedScope.none()
    cache_tokens = (OwnedToken(LIST, "movie_list_id"),)
    __table_args__ = (Index("ix_movie_list_items_list_position", "movie_list_id", "position"),)

    movie_list_id: Mapped[int] = mapped_column(ForeignKey("movie_lists.id", ondelete="CASCADE"), primary_key=True)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=lambda: utcnow())

    movie = relationship("Movie")
