"""Users and the account-security rows that belong to them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moviesx.extensions import db
from moviesx.models.base import TimestampMixin
from moviesx.models.feed import CACHE_TOKENS, FEED_SCOPE, PROFILE, FeedScope, OwnedToken

LANGUAGES = ("en", "es", "fr", "de")
PASSWORD_MAX = 128  # checked before every other password rule and before any hashing (API.md 23)
DEFAULT_USER_PICTURE = "users/default.png"  # shown (under MEDIA_URL) for a user without a picture

user_platforms = Table(
    "user_platforms",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("platform_id", ForeignKey("platforms.id", ondelete="CASCADE"), primary_key=True, index=True),
    info={FEED_SCOPE: FeedScope.owner("user_id"), CACHE_TOKENS: (OwnedToken(PROFILE, "user_id"),)},
)

user_following_persons = Table(
    "user_following_persons",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("person_id", ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True, index=True),
    info={FEED_SCOPE: FeedScope.none(), CACHE_TOKENS: (OwnedToken(PROFILE, "user_id"),)},
)


class User(TimestampMixin, db.Model):
    __tablename__ = "users"
    # Ids are never reused (API.md 18), so a deleted user's tokens can never name someone else: SQLite would
    # otherwise hand the highest id out again. (PostgreSQL's sequence never goes back.)
    __table_args__ = {"sqlite_autoincrement": True}
    feed_scope = FeedScope.owner("id", friends_when_changed=("is_active",))
    cache_tokens = (OwnedToken(PROFILE, "id"),)  # its platforms and followed persons too (relationship changes)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(150), nullable=False, index=True)
    email: Mapped[str] = mapped_column(String(254), nullable=False)
    first_name: Mapped[str] = mapped_column(String(150), nullable=False, default="")
    last_name: Mapped[str] = mapped_column(String(150), nullable=False, default="")
    bio: Mapped[str | None] = mapped_column(Text, nullable=True)
    picture: Mapped[str | None] = mapped_column(String(255), nullable=True)
    password_hash: Mapped[str | None] = mapped_column(String(255), nullable=True)
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime, nullable=True)
    verified: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    boarded: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_staff: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    is_active: Mapped[bool] = mapped_column(Boolean, nullable=False, default=True)
    preferred_language: Mapped[str] = mapped_column(String(2), nullable=False, default="en")
    google_sub: Mapped[str | None] = mapped_column(String(255), nullable=True, unique=True)

    platforms = relationship("Platform", secondary=user_platforms, order_by="Platform.id")
    following_persons = relationship("Person", secondary=user_following_persons, order_by="Person.id")

    def __repr__(self) -> str:
        return f"<User {self.username}>"


Index("uq_users_username_lower", func.lower(User.username), unique=True)
Index("uq_users_email_lower", func.lower(User.email), unique=True)


class OneTimeCode(db.Model):
    """The outstanding verification or reset code of a user: only its HMAC is stored (API.md 7.1)."""

    __tablename__ = "one_time_codes"
    feed_scope = FeedScope.none()
    __table_args__ = (UniqueConstraint("user_id", "purpose"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    code_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)
    attempts: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class CodeFailure(db.Model):
    """One wrong code submission; counted over 24 hours per user and purpose (API.md 7.2)."""

    __tablename__ = "code_failures"
    feed_scope = FeedScope.none()
    __table_args__ = (Index("ix_code_failures_user_purpose_at", "user_id", "purpose", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class AddressCodeEvent(db.Model):
    """A code issued to an email address, or a wrong code submitted for it (API.md 23).

    The address is kept only as an HMAC of its lower-cased form, and the row outlives the account's
    hold on it (an email change, a deletion: `user_id` becomes null), so that moving an address between
    accounts buys neither new codes nor new attempts.
    """

    __tablename__ = "address_code_events"
    feed_scope = FeedScope.none()
    __table_args__ = (
        Index("ix_address_code_events_address_kind_at", "address_hash", "kind", "created_at"),
        Index("ix_address_code_events_user_kind_at", "user_id", "kind", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    address_hash: Mapped[str] = mapped_column(String(64), nullable=False)
    purpose: Mapped[str] = mapped_column(String(16), nullable=False)
    kind: Mapped[str] = mapped_column(String(16), nullable=False)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)


class RevokedToken(db.Model):
    """A refresh token revoked by logout, kept until it would have expired anyway."""

    __tablename__ = "revoked_tokens"
    feed_scope = FeedScope.none()

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
