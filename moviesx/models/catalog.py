"""The catalogue: movies, persons, genres, platforms and awards, with their translations."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from moviesx.extensions import db
from moviesx.models.base import SoftDeleteMixin
from moviesx.models.feed import FEED_SCOPE, FeedScope

DEFAULT_MOVIE_COVER = "movies/covers/no-movie.png"  # the default images, shown for a row without its own
DEFAULT_PERSON_IMAGE = "person/default.png"
DEFAULT_AWARD_ICON = "awards/no-award.png"


def _name(length: int) -> String:
    """A name column that sorts by code point on PostgreSQL too."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


AWARD_CATEGORIES = {
    "BP": "Best Picture",
    "BA": "Best Animated Feature",
    "BD": "Best Documentary",
    "IF": "Best International Feature",
    "MA": "Best Actor in a Leading Role",
    "WA": "Best Actress in a Leading Role",
    "SA": "Best Supporting Actor",
    "SX": "Best Supporting Actress",
    "DR": "Best Director",
    "DD": "Best Debut Director",
}
GENDERS = {0: "unknown", 1: "female", 2: "male", 3: "non-binary"}


def _link(name: str, left: str, right: str, *, ordered: bool = False) -> Table:
    columns = [
        Column(f"{left}_id", ForeignKey(f"{left}s.id", ondelete="CASCADE"), primary_key=True),
        Column(f"{right}_id", ForeignKey(f"{right}s.id", ondelete="CASCADE"), primary_key=True, index=True),
    ]
    if ordered:
        columns.append(Column("position", Integer, nullable=False, default=0))
    return Table(name, db.metadata, *columns, info={FEED_SCOPE: FeedScope.everyone()})


movie_genres = _link("movie_genres", "movie", "genre")
movie_platforms = _link("movie_platforms", "movie", "platform")
movie_awards = _link("movie_awards", "movie", "award")
movie_actors = _link("movie_actors", "movie", "person", ordered=True)
movie_directors = _link("movie_directors", "movie", "person", ordered=True)
person_awards = _link("person_awards", "person", "award")


class Genre(SoftDeleteMixin, db.Model):
    __tablename__ = "genres"
    feed_scope = FeedScope.everyone()

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(_name(32), nullable=False, unique=True)
    slug: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)

    translations = relationship(
        "GenreTranslation", cascade="all, delete-orphan", order_by="GenreTranslation.language", lazy="selectin"
    )


class GenreTranslation(db.Model):
    __tablename__ = "genre_translations"
    feed_scope = FeedScope.everyone()
    __table_args__ = (UniqueConstraint("genre_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    genre_id: Mapped[int] = mapped_column(ForeignKey("genres.id", ondelete="CASCADE"), nullable=False)
    language: Mapped[str] = mapped_column(String(2), nullable=False)
    name: Mapped[str] = mapped_column(String(32), nullable=False, default="")


class Platform(SoftDeleteMixin, db.Model):
    __tablename__ = "platforms"
    feed_scope = FeedScope.everyone()

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(_name(32), nullable=False, unique=True)
    slug: Mapped[str] = mapped_column(String(32), nullable=False, unique=True)
    url: Mapped[str | None] = mapped_column(String(200), nullable=True)
    image: Mapped[str | None] = mapped_column(String(255), nullable=True)


class Award(SoftDeleteMixin, db.Model):
    __tablename__ = "awards"
    feed_scope = FeedScope.everyone()

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(_name(128), nullable=False, unique=True)
    slug: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    category: Mapped[str] = mapped_column(String(2), nullable=False, default="")
    date: Mapped[date | None] = mapped_column(Date, nullable=True)
    icon: Mapped[str | None] = mapped_column(String(255), nullable=True)


class Person(SoftDeleteMixin, db.Model):
    __tablename__ = "persons"
    feed_scope = FeedScope.everyone()

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(_name(128), nullable=False, index=True)
    slug: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    biography: Mapped[str] = mapped_column(Text, nullable=False, default="")
    birthday: Mapped[date | None] = mapped_column(Date, nullable=True)
    deathday: Mapped[date | None] = mapped_column(Date, nullable=True)
    gender: Mapped[int] = mapped_column(SmallInteger, nullable=False, default=0)
    image: Mapped[str | None] = mapped_column(String(255), nullable=True)

    awards = relationship("Award", secondary=person_awards, order_by="Award.id")
    translations = relationship("PersonTranslation", cascade="all, delete-orphan", order_by="PersonTranslation.language")


class PersonTranslation(db.Model):
    __tablename__ = "person_translations"
    feed_scope = FeedScope.everyone()
    __table_args__ = (UniqueConstraint("person_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), nullable=False)
    language: Mapped[str] = mapped_column(String(2), nullable=False)
    biography: Mapped[str] = mapped_column(Text, nullable=False, default="")


class Movie(SoftDeleteMixin, db.Model):
    __tablename__ = "movies"
    feed_scope = FeedScope.everyone()
    __table_args__ = (Index("ix_movies_release_date_id", "release_date", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(255), nullable=False)
    slug: Mapped[str] = mapped_column(String(255), nullable=False, unique=True)
    synopsis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    release_date: Mapped[date] = mapped_column(Date, nullable=False)
    popularity: Mapped[float] = mapped_column(Float, nullable=False, default=0.0)
    cover: Mapped[str | None] = mapped_column(String(255), nullable=True)

    genres = relationship("Genre", secondary=movie_genres, order_by="Genre.id")
    platforms = relationship("Platform", secondary=movie_platforms, order_by="Platform.id")
    awards = relationship("Award", secondary=movie_awards, order_by="Award.id")
    # Billing order lives in the link rows: write them through services.catalog, not these lists.
    actors = relationship("Person", secondary=movie_actors, order_by=movie_actors.c.position, viewonly=True)
    directors = relationship("Person", secondary=movie_directors, order_by=movie_directors.c.position, viewonly=True)
    translations = relationship("MovieTranslation", cascade="all, delete-orphan", order_by="MovieTranslation.language")


class MovieTranslation(db.Model):
    __tablename__ = "movie_translations"
    feed_scope = FeedScope.everyone()
    __table_args__ = (UniqueConstraint("movie_id", "language"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    movie_id: Mapped[int] = mapped_column(ForeignKey("movies.id", ondelete="CASCADE"), nullable=False)
    language: Mapped[str] = mapped_column(String(2), nullable=False)
    title: Mapped[str] = mapped_column(String(255), nullable=False, default="")
    synopsis: Mapped[str] = mapped_column(Text, nullable=False, default="")
    cover: Mapped[str | None] = mapped_column(String(255), nullable=True)
