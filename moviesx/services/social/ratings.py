"""Ratings, unseen marks, friends' ratings and the caller's lists holding a movie (API.md 5.3, 6.3)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import NoReturn

from flask import current_app
from sqlalchemy import Insert, Select, Update, bindparam, case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import joinedload

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.http.errors import error
from moviesx.models import Movie, MovieList, MovieListItem, Rating, UnseenMark, User
from moviesx.services.accounts.caller import CallerFacts
from moviesx.services.bulk import insert_rows
from moviesx.services.catalog.movie_keys import MovieKey, live_movie_key
from moviesx.services.social.friends import friend_ids
from moviesx.services.transactions import autocommit, commit_or, unique_or
from moviesx.signals import rating_changed, ratings_changed, unseen_changed


def rating_of(user: User, movie: Movie) -> Rating:
    rating = db.session.scalar(select(Rating).where(Rating.user_id == user.id, Rating.movie_id == movie.id))
    if rating is None:
        raise error(404, "Rating not found")
    return rating


def rate(caller: CallerFacts, movie: MovieKey, value: int) -> WrittenRating:
    """Create the caller's one rating of `movie` in one statement: 400 when they have rated it already, a concurrent
    duplicate included (the statement then inserts nothing)."""
    with unique_or(lambda: _caller_gone(caller)):
        return _written(_rate_statement(db.engine.dialect.name), caller, movie, value, _rated_already)


def _rated_already() -> NoReturn:
    raise error(400, "You have already rated this movie")


def _caller_gone(caller: CallerFacts) -> None:
    """After a foreign key failure of `rate()` (movies are only ever soft-deleted): 401, as `http.auth.current_user`,
    when the caller's row was deleted since the ladder passed."""
    if db.session.get(User, caller.id) is None:
        raise error(401, "Token is invalid")


@functools.cache
def _rate_statement(dialect: str) -> Insert:
    """`rate()`'s statement, built once per dialect (PostgreSQL and SQLite spell ON CONFLICT alike)."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    now = bindparam("now")
    return (
        insert(Rating)
        .values(
            user_id=bindparam("rater"),
            movie_id=bindparam("movie"),
            rating=bindparam("stars"),
            created_at=now,
            updated_at=now,
            rated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[Rating.user_id, Rating.movie_id])
        .returning(Rating.id, Rating.rating, Rating.created_at)
    )


@dataclass(frozen=True)
class WrittenRating:
    """The answer of the rating POST and PUT, read by `RatingSchema` as it reads a `Rating`: the columns their statement
    returned, with the caller's facts and the movie's key the request resolved (each names its URL)."""

    id: int
    rating: int
    created_at: datetime
    user: CallerFacts
    movie: MovieKey


def change_rating(caller: CallerFacts, movie: MovieKey, value: int) -> WrittenRating:
    """Change the caller's rating of `movie` in one statement, as `_changed_rating` would: 404 when there is none (the
    generic 404 when the movie is gone since the request resolved it)."""

    def not_found() -> NoReturn:
        live_movie_key(movie.slug)  # the generic 404 when the movie is gone
        raise error(404, "Rating not found")

    return _written(_change_statement(), caller, movie, value, not_found)


def _written(
    statement: Insert | Update, caller: CallerFacts, movie: MovieKey, value: int, unwritten: Callable[[], NoReturn]
) -> WrittenRating:
    """Run the INSERT or UPDATE ... RETURNING of the caller's rating of `movie` committed on its own (autocommit: no
    BEGIN and COMMIT round trips); `unwritten` raises the answer when it wrote no row. Nothing is read before or after
    it: the answer is what it returns."""
    with autocommit():
        row = db.session.execute(
            statement,
            {"rater": caller.id, "movie": movie.id, "stars": value, "now": utcnow()},
            execution_options={"synchronize_session": False, "feed_users": (caller.id,)},
        ).one_or_none()
        if row is None:
            db.session.rollback()  # nothing changed: nothing to invalidate
            unwritten()
        db.session.commit()
    announce_rating(caller.id)
    return WrittenRating(row.id, row.rating, row.created_at, caller, movie)


@functools.cache
def _change_statement() -> Update:
    """`change_rating()`'s statement, built once (its values are bound parameters)."""
    stars, now = bindparam("stars"), bindparam("now")
    return (
        update(Rating)
        .where(Rating.user_id == bindparam("rater"), Rating.movie_id == bindparam("movie"))
        .values(rating=stars, updated_at=now, rated_at=case((Rating.rating == stars, Rating.rated_at), else_=now))
        .returning(Rating.id, Rating.rating, Rating.created_at)
    )


def stage_rating(user: User, movie: Movie, value: int) -> Rating:
    """Create or change the user's rating of `movie` exactly as POST/PUT `ratings/` do, without committing: for
    services whose transaction also writes other rows (a diary entry). They commit, then `announce_rating`; a
    concurrent creation of the same rating fails their commit on the unique constraint."""
    rating = db.session.scalar(select(Rating).where(Rating.user_id == user.id, Rating.movie_id == movie.id))
    return _new_rating(user, movie, value) if rating is None else _changed_rating(rating, value)


def announce_rating(user_id: int) -> None:
    """After the commit of a created or changed rating of user `user_id`: its side effects (retrain counter, feed
    warm-up)."""
    rating_changed.send(current_app._get_current_object(), user_id=user_id)


def _new_rating(user: User, movie: Movie, value: int) -> Rating:
    rating = Rating(user_id=user.id, movie_id=movie.id, rating=value)
    db.session.add(rating)
    return rating


def _changed_rating(rating: Rating, value: int) -> Rating:
    """Set the value; `rated_at` (the time of the friends' `rated` activity, API.md 16) moves only when it changes."""
    now = utcnow()
    if rating.rating != value:
        rating.rated_at = now
    rating.rating = value
    rating.updated_at = now
    return rating


def mark_unseen(user: User, movie: Movie) -> None:
    if db.session.get(UnseenMark, (user.id, movie.id)) is not None:
        raise error(400, "Movie already marked as unseen")
    db.session.add(UnseenMark(user_id=user.id, movie_id=movie.id))
    commit_or(error(400, "Movie already marked as unseen"))
    unseen_changed.send(current_app._get_current_object(), user_id=user.id)


def unmark_unseen(user: User, movie: Movie) -> None:
    deleted = db.session.execute(
        delete(UnseenMark)
        .where(UnseenMark.user_id == user.id, UnseenMark.movie_id == movie.id)
        .execution_options(synchronize_session=False, feed_users=(user.id,))
    ).rowcount
    if not deleted:
        db.session.rollback()
        raise error(400, "Movie not marked as unseen")
    db.session.commit()
    unseen_changed.send(current_app._get_current_object(), user_id=user.id)


def stage_ratings(user: User, new: dict[int, int], changed: dict[int, int]) -> None:
    """Create (`new`: movie id -> value) and change (`changed`: rating id -> value) many ratings of the user as
    POST/PUT `ratings/` do, in bulk and without committing: for a service that writes other rows in the same
    transaction (an import). It commits, then calls `announce_ratings`."""
    now = utcnow()
    rows = [
        {"user_id": user.id, "movie_id": movie_id, "rating": value, "created_at": now, "updated_at": now, "rated_at": now}
        for movie_id, value in new.items()
    ]
    insert_rows(Rating, rows, user.id)
    if changed:
        rows = [{"id": rating_id, "rating": value, "updated_at": now, "rated_at": now} for rating_id, value in changed.items()]
        db.session.execute(update(Rating).execution_options(feed_users=(user.id,)), rows)


def announce_ratings(user: User, count: int) -> None:
    """After the commit of `count` ratings of the user created or changed at once: their side effects, once (the
    retrain counter counts every rating)."""
    if count:
        ratings_changed.send(current_app._get_current_object(), user_id=user.id, count=count)


def friends_ratings(user: User, movie: Movie) -> Select:
    """Ratings of `movie` by the user's active friends, newest first."""
    return (
        select(Rating)
        .where(Rating.movie_id == movie.id, Rating.user_id.in_(friend_ids(user.id)))
        .order_by(Rating.created_at.desc(), Rating.id.desc())
        .options(joinedload(Rating.user), joinedload(Rating.movie))
    )


def list_slugs_with(user: User, movie: Movie) -> list[str]:
    """Slugs of the user's lists that contain `movie`, by list id."""
    return list(
        db.session.scalars(
            select(MovieList.slug)
            .join(MovieListItem, MovieListItem.movie_list_id == MovieList.id)
            .where(MovieList.user_id == user.id, MovieListItem.movie_id == movie.id)
            .order_by(MovieList.id)
        )
    )
