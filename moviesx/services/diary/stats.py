"""Year-in-review numbers of a diary (API.md 15), computed by the database in four aggregate queries.

Over the user's watches of live movies (in `year` when given): the counts and months of the watches, the histogram
of the user's current ratings of the distinct movies (the average comes from it in exact decimal arithmetic), and
the five most watched live genres and persons, each counting distinct movies.

Every statement states the liveness rules itself (a watch counts unless its movie is deleted: an anti-join with the
few deleted movies, cheaper than joining every live one), so the soft-delete hook's criteria are switched off.
bench/bench_diary.py measures them: a user with 5,000 watches.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, distinct, exists, extract, func, literal_column, select, union_all
from sqlalchemy.orm import selectinload

from moviesx.extensions import db
from moviesx.models import (
    INCLUDE_DELETED,
    Genre,
    Movie,
    Person,
    Rating,
    User,
    Watch,
    movie_actors,
    movie_directors,
    movie_genres,
)
from moviesx.services.diary.watches import in_year

TOP = 5
STARS = range(1, 6)
MONTHS = range(1, 13)
CENT = Decimal("0.01")
LIVENESS_STATED = {INCLUDE_DELETED: True}


def diary_stats(owner: User, year: int | None = None) -> dict[str, Any]:
    movie_ids = select(Watch.movie_id).where(Watch.user_id == owner.id, of_live_movie(), *in_year(year))
    totals = db.session.execute(totals_statement(owner, year), execution_options=LIVENESS_STATED).one()._mapping
    ratings = _rating_histogram(owner.id, movie_ids)
    return {
        "year": year,
        "watches": int(totals["watches"]),
        "movies": int(totals["movies"]),
        "rewatches": int(totals["rewatches"]),
        "average_rating": average(ratings),
        "ratings": {str(stars): ratings.get(stars, 0) for stars in STARS},
        "by_month": [int(totals[f"month_{month}"]) for month in MONTHS] if year is not None else None,
        "top_genres": [{"genre": genre, "count": count} for genre, count in _top_genres(movie_ids)],
        "top_persons": [{"person": slug, "count": count} for slug, count in _top_persons(movie_ids)],
    }


def average(histogram: dict[int, int]) -> float | None:
    """The mean of a {stars: count} histogram rounded half up to 2 decimals in decimal arithmetic (3.125 -> 3.13)."""
    count = sum(histogram.values())
    if not count:
        return None
    total = sum(stars * times for stars, times in histogram.items())
    return float((Decimal(total) / Decimal(count)).quantize(CENT, rounding=ROUND_HALF_UP))


def of_live_movie() -> ColumnElement[bool]:
    """Criterion on Watch: its movie is not soft-deleted."""
    return ~exists().where(Movie.id == Watch.movie_id, Movie.deleted_at.is_not(None))


def totals_statement(owner: User, year: int | None) -> Select:
    """Watches, distinct movies, rewatches and (with a year) watches per month, in one query.

    A watch is a rewatch when it is not the first of its movie in (watched_on, id) order among all the user's
    watches, which is `rewatch_of` (services.diary.watches) for a whole diary at once: numbering every watch of the
    user once costs half of probing the index for each.
    """
    numbered = (
        select(
            Watch.movie_id,
            Watch.watched_on,
            func.row_number().over(partition_by=Watch.movie_id, order_by=(Watch.watched_on, Watch.id)).label("nth"),
        )
        .where(Watch.user_id == owner.id, of_live_movie())
        .subquery()
    )
    columns = [
        func.count().label("watches"),
        func.count(distinct(numbered.c.movie_id)).label("movies"),
        _count_when(numbered.c.nth > 1).label("rewatches"),
    ]
    if year is not None:
        month = extract("month", numbered.c.watched_on)
        columns += [_count_when(month == number).label(f"month_{number}") for number in MONTHS]
    return select(*columns).select_from(numbered).where(*in_year(year, numbered.c.watched_on))


def _count_when(condition) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _rating_histogram(user_id: int, movie_ids: Select) -> dict[int, int]:
    """{stars: movies}: the user's current ratings of the watched movies."""
    rows = db.session.execute(
        select(Rating.rating, func.count(Rating.id))
        .where(Rating.user_id == user_id, Rating.movie_id.in_(movie_ids))
        .group_by(Rating.rating),
        execution_options=LIVENESS_STATED,
    )
    return {stars: count for stars, count in rows}


def _top_genres(movie_ids: Select) -> list[tuple[Genre, int]]:
    """The live genres of most watched movies ((movie, genre) pairs are unique, so a row is a distinct movie)."""
    count = func.count().label("count")
    per_genre = (
        select(movie_genres.c.genre_id, count)
        .where(movie_genres.c.movie_id.in_(movie_ids))
        .group_by(movie_genres.c.genre_id)
        .subquery()
    )
    rows = db.session.execute(
        select(Genre, per_genre.c.count)
        .join(per_genre, per_genre.c.genre_id == Genre.id)
        .where(Genre.deleted_at.is_(None))
        .order_by(per_genre.c.count.desc(), Genre.id)
        .limit(TOP)
        .options(selectinload(Genre.translations)),
        execution_options=LIVENESS_STATED,
    )
    return [(genre, number) for genre, number in rows]


def _top_persons(movie_ids: Select) -> list[tuple[str, int]]:
    """(slug, movies) of the live persons credited in most watched movies, actors and directors together.

    A person counts once per movie: their acting credits plus their directing credits, minus the movies they both
    act in and direct. Summing these three small sets costs half of a DISTINCT over every credit.
    """
    both = and_(movie_actors.c.movie_id == movie_directors.c.movie_id, movie_actors.c.person_id == movie_directors.c.person_id)
    credits = union_all(
        select(movie_actors.c.person_id, literal_column("1").label("movies")).where(movie_actors.c.movie_id.in_(movie_ids)),
        select(movie_directors.c.person_id, literal_column("1")).where(movie_directors.c.movie_id.in_(movie_ids)),
        select(movie_directors.c.person_id, literal_column("-1"))
        .join(movie_actors, both)
        .where(movie_directors.c.movie_id.in_(movie_ids)),
    ).subquery()
    per_person = select(credits.c.person_id, func.sum(credits.c.movies).label("count")).group_by(credits.c.person_id).subquery()
    rows = db.session.execute(
        select(Person.slug, per_person.c.count)
        .join(per_person, per_person.c.person_id == Person.id)
        .where(Person.deleted_at.is_(None))
        .order_by(per_person.c.count.desc(), Person.id)
        .limit(TOP),
        execution_options=LIVENESS_STATED,
    )
    return [(slug, int(number)) for slug, number in rows]
