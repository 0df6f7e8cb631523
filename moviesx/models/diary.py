"""The watchlist ("I want to see this") and the diary of dated watches (API.md 14, 15)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Index, SmallInteger, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, query_expression, relationship

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.models.feed import FeedScope


class WatchlistEntry(db.Model):
    """A movie the user wants to see: one per (user, movie); the feed excludes it (API.md 14)."""

    __tablename__ = "watchlist_entries"
    feed_scope = FeedScope.owner("user_id")
    __table_args__ = (
        UniqueConstraint("user_id", "movie_id", name="uq_watchlist_entries_user_movie"),
        Index("ix_watchlist_entries_user_id_id", "user_id", "id"),
        Index("ix_watchlist_entries_movie_id", "movie_id"),
        Index("ix_watchlist_entries_user_created_id", "user_id", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=lambda: utcnow())

    user = relationship("User")
    movie = relationship("Movie")


class Watch(db.Model):
    """One dated viewing of a movie. Not unique: two identical watches are two watches; `rewatch` is derived from
    the user's other watches of the movie, never stored (services.diary.watches)."""

    __tablename__ = "watches"
    feed_scope = FeedScope.owner("user_id")
    __table_args__ = (
        CheckConstraint("rating BETWEEN 1 AND 5", name="range"),
        Index("ix_watches_user_watched_on_id", "user_id", "watched_on", "id"),
        Index("ix_watches_user_movie_watched_on_id", "user_id", "movie_id", "watched_on", "id"),
        Index("ix_watches_user_created_id", "user_id", "created_at", "id"),
        Index("ix_watches_movie_id", "movie_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"), nullable=False)
    watched_on: Mapped[date] = mapped_column(Date, nullable=False)
    rating: Mapped[int | None] = mapped_column(SmallInteger, nullable=True)
    note: Mapped[str] = mapped_column(Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, default=lambda: utcnow())
    # Derived in SQL with the rows that show it: `with_expression(Watch.rewatch, rewatch_of(Watch))`
    # (services.diary.watches); None when a query did not ask for it.
    rewatch: Mapped[bool | None] = query_expression()

    user = relationship("User")
    movie = relationship("Movie")


# Friends' activity (API.md 16) reads the newest entries and watches overall (the per-user paths are indexed above),
# through covering indexes on PostgreSQL: the rows of non-friends it skips cost no table read.
Index(
    "ix_watchlist_entries_created_id",
    WatchlistEntry.created_at,
    WatchlistEntry.id,
    postgresql_include=["user_id", "movie_id"],
)
Index("ix_watches_created_id", Watch.created_at, Watch.id, postgresql_include=["user_id", "movie_id", "rating"])
