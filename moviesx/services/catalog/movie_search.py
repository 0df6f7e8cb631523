"""Movie and person queries of the read endpoints (API.md 5.3, 5.6): filters as EXISTS subqueries, never joins."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, Select, Table, and_, exists, false, or_, select

from moviesx.http.pagination import SHARED_PAGE
from moviesx.models import (
    Genre,
    Movie,
    MovieTranslation,
    Person,
    Platform,
    Rating,
    Review,
    UnseenMark,
    movie_actors,
    movie_directors,
    movie_genres,
    movie_platforms,
)
from moviesx.models.sql import codepoint, contains_folded
from moviesx.schemas.catalog.items import movie_load_options, person_load_options

STAR_VALUES = {"1", "2", "3", "4", "5"}


@dataclass
class MovieFilters:
    """The filters of `GET /api/movies/searching/`; the values of one filter are ORed."""

    name: str = ""
    genres: Sequence[str] = field(default_factory=list)
    platforms: Sequence[str] = field(default_factory=list)
    actors: Sequence[str] = field(default_factory=list)
    directors: Sequence[str] = field(default_factory=list)
    celebrities: Sequence[str] = field(default_factory=list)
    stars: Sequence[str] = field(default_factory=list)
    marked_unseen: bool = False
    reviewed: bool = False


def title_matches(needle: str, language: str) -> ColumnElement:
    """Case-insensitive substring of the base title or of the title in `language`."""
    base = contains_folded(Movie.title, needle)
    translated = exists().where(
        MovieTranslation.movie_id == Movie.id,
        MovieTranslation.language == language,
        contains_folded(MovieTranslation.title, needle),
    )
    return or_(base, translated)


def _linked_to(link: Table, target, column_name: str, slugs: Sequence[str]) -> ColumnElement:
    """The movie has a live `target` whose slug is one of `slugs` through `link`."""
    if not slugs:
        return false()
    return exists().where(
        link.c.movie_id == Movie.id,
        link.c[column_name] == target.id,
        target.slug.in_(slugs),
        target.deleted_at.is_(None),
    )


def movies_credited(person_id, *, as_actor: bool = True, as_director: bool = False) -> ColumnElement:
    """The movie credits person `person_id` (a value or a correlated column)."""
    clauses = []
    for wanted, link in ((as_actor, movie_actors), (as_director, movie_directors)):
        if wanted:
            clauses.append(exists().where(link.c.movie_id == Movie.id, link.c.person_id == person_id))
    return or_(*clauses)


def search_movies(filters: MovieFilters, user_id: int, language: str) -> Select:
    """The ids of the live movies matching every filter, by release date then id, both descending."""
    criteria: list[ColumnElement] = []
    if filters.name.strip():
        criteria.append(title_matches(filters.name, language))
    if filters.genres:
        criteria.append(_linked_to(movie_genres, Genre, "genre_id", filters.genres))
    if filters.platforms:
        criteria.append(_linked_to(movie_platforms, Platform, "platform_id", filters.platforms))
    if filters.actors:
        criteria.append(_linked_to(movie_actors, Person, "person_id", filters.actors))
    if filters.directors:
        criteria.append(_linked_to(movie_directors, Person, "person_id", filters.directors))
    if filters.celebrities:
        criteria.append(
            or_(
                _linked_to(movie_actors, Person, "person_id", filters.celebrities),
                _linked_to(movie_directors, Person, "person_id", filters.celebrities),
            )
        )
    if filters.stars:
        stars = [int(value) for value in filters.stars if value in STAR_VALUES]
        criteria.append(
            exists().where(Rating.movie_id == Movie.id, Rating.user_id == user_id, Rating.rating.in_(stars)) if stars else false()
        )
    if filters.marked_unseen:
        criteria.append(exists().where(UnseenMark.movie_id == Movie.id, UnseenMark.user_id == user_id))
    if filters.reviewed:
        criteria.append(exists().where(Review.movie_id == Movie.id, Review.user_id == user_id, Review.deleted_at.is_(None)))
    reads_the_callers_data = bool(filters.stars) or filters.marked_unseen or filters.reviewed
    return (
        select(Movie.id)
        .where(Movie.deleted_at.is_(None), *criteria)
        .order_by(Movie.release_date.desc(), Movie.id.desc())
        .execution_options(**{SHARED_PAGE: not reads_the_callers_data})
    )


def credit_order() -> list:
    """Cursor order of acted/directed movies: release date, base title, id, all descending."""
    return [(Movie.release_date, True), (codepoint(Movie.title), True), (Movie.id, True)]


def credited_movies(person: Person, *, as_director: bool) -> Select:
    """Live movies the person acted in (or directed); order with credit_order()."""
    return (
        select(Movie)
        .where(
            Movie.deleted_at.is_(None),
            movies_credited(person.id, as_actor=not as_director, as_director=as_director),
        )
        .options(*movie_load_options())
    )


def _credited_on_live_movie(link: Table) -> ColumnElement:
    return exists().where(
        link.c.person_id == Person.id,
        link.c.movie_id == Movie.id,
        Movie.deleted_at.is_(None),
    )


def persons(*, role: str | None = None, search: str = "", in_slug: bool = False) -> Select:
    """Live persons, optionally only actors or directors, matching `search` in the name (or the slug)."""
    criteria: list[ColumnElement] = [Person.deleted_at.is_(None)]
    if role == "actors":
        criteria.append(_credited_on_live_movie(movie_actors))
    elif role == "directors":
        criteria.append(_credited_on_live_movie(movie_directors))
    if search:
        match = contains_folded(Person.name, search)
        criteria.append(or_(match, contains_folded(Person.slug, search)) if in_slug else match)
    return select(Person).where(and_(*criteria)).options(*person_load_options())


def name_order() -> list:
    """Cursor order of persons: name by code point, then id, both ascending."""
    return [(codepoint(Person.name), False), (Person.id, False)]


def by_name(stmt: Select) -> Select:
    return stmt.order_by(codepoint(Person.name).asc(), Person.id.asc())
