"""Year-in-review numbers of a diary (API.md 15), computed by the database in four aggregate queries.

Over the user's watches of live movies (in `year` when given): the counts and months of the watches, the histogram
of the user's current ratings of the distinct movies (the average comes from it in exact decimal arithmetic), and
the five most watched live genres and persons, each counting distinct movies.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import Select, case, distinct, extract, func, select, union
from sqlalchemy.orm import selectinload

from moviesx.extensions import db
from moviesx.models import Genre, Movie, Person, Rating, User, Watch, movie_actors, movie_directors, movie_genres
from moviesx.services.diary.watches import in_year, rewatch_of

TOP = 5
STARS = range(1, 6)
MONTHS = range(1, 13)
CENT = Decimal("0.01")


def diary_stats(owner: User, year: int | None = None) -> dict[str, Any]:
    counted = (Watch.user_id == owner.id, Movie.deleted_at.is_(None), *in_year(year))
    movie_ids = select(Watch.movie_id).join(Movie, Movie.id == Watch.movie_id).where(*counted)
    totals = _watch_totals(counted, year)
    ratings = _rating_histogram(owner.id, movie_ids)
    return {
        "year": year,
        "watches": totals["watches"],
        "movies": totals["movies"],
        "rewatches": totals["rewatches"],
        "average_rating": average(ratings),
        "ratings": {str(stars): ratings.get(stars, 0) for stars in STARS},
        "by_month": [totals[f"month_{month}"] for month in MONTHS] if year is not None else None,
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


def _watch_totals(counted: tuple, year: int | None) -> dict[str, int]:
    """Watches, distinct movies, rewatches and (with a year) watches per month, in one query."""
    columns = [
        func.count(Watch.id).label("watches"),
        func.count(distinct(Watch.movie_id)).label("movies"),
        _count_when(rewatch_of()).label("rewatches"),
    ]
    if year is not None:
        month = extract("month", Watch.watched_on)
        columns += [_count_when(month == number).label(f"month_{number}") for number in MONTHS]
    row = db.session.execute(select(*columns).join(Movie, Movie.id == Watch.movie_id).where(*counted)).one()
    return {key: int(value or 0) for key, value in row._mapping.items()}


def _count_when(condition) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _rating_histogram(user_id: int, movie_ids: Select) -> dict[int, int]:
    """{stars: movies}: the user's current ratings of the watched movies."""
    rows = db.session.execute(
        select(Rating.rating, func.count(Rating.id))
        .where(Rating.user_id == user_id, Rating.movie_id.in_(movie_ids))
        .group_by(Rating.rating)
    )
    return {stars: count for stars, count in rows}


def _top_genres(movie_ids: Select) -> list[tuple[Genre, int]]:
    count = func.count(distinct(movie_genres.c.movie_id)).label("count")
    rows = db.session.execute(
        select(Genre, count)
        .join(movie_genres, movie_genres.c.genre_id == Genre.id)
        .where(movie_genres.c.movie_id.in_(movie_ids), Genre.deleted_at.is_(None))
        .group_by(Genre.id)
        .order_by(count.desc(), Genre.id)
        .limit(TOP)
        .options(selectinload(Genre.translations))
    )
    return [(genre, number) for genre, number in rows]


def _top_persons(movie_ids: Select) -> list[tuple[str, int]]:
    """(slug, movies) of the live persons credited most, actors and directors together (a person once per movie)."""
    credits = union(
        select(movie_actors.c.person_id, movie_actors.c.movie_id).where(movie_actors.c.movie_id.in_(movie_ids)),
        select(movie_directors.c.person_id, movie_directors.c.movie_id).where(movie_directors.c.movie_id.in_(movie_ids)),
    ).subquery()
    count = func.count().label("count")
    rows = db.session.execute(
        select(Person.slug, count)
        .join(credits, credits.c.person_id == Person.id)
        .where(Person.deleted_at.is_(None))
        .group_by(Person.id, Person.slug)
        .order_by(count.desc(), Person.id)
        .limit(TOP)
    )
    return [(slug, number) for slug, number in rows]
