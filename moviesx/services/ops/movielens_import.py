"""`movielens import DIR` (API.md 10.3): idempotent bulk upserts of a read MovieLens dataset.

`import_dataset` writes the records of `movielens.read_dataset` with a handful of set-based statements
instead of one ORM object per rating.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, insert, select, update

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.models import INCLUDE_DELETED, Genre, Movie, Rating, User, movie_genres
from moviesx.services.feed.invalidation import note_bulk_write
from moviesx.services.ops.movielens import Dataset, MLMovie, MLRating
from moviesx.slugify import slugify

BATCH = 5000


@dataclass
class Tally:
    created: int = 0
    updated: int = 0


@dataclass
class ImportReport:
    tallies: dict[str, Tally] = field(default_factory=lambda: {k: Tally() for k in ("genres", "movies", "users", "ratings")})
    skipped_movies: list[int] = field(default_factory=list)

    def lines(self) -> list[str]:
        lines = [f"{kind}: {t.created} created, {t.updated} updated" for kind, t in self.tallies.items()]
        lines.append(f"skipped movies: {len(self.skipped_movies)}")
        return lines


def movie_slug(item_id: int, title: str) -> str:
    return f"ml-{item_id}-{slugify(title)}"[:255].rstrip("-")


def clamp_rating(value: float) -> int:
    return min(5, max(1, math.floor(value + 0.5)))


def bulk_insert(table, rows: list[dict]) -> None:
    """Insert many rows in the session's transaction: COPY on PostgreSQL, batched executemany elsewhere."""
    if not rows:
        return
    connection = db.session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        columns = list(rows[0])
        with connection.connection.driver_connection.cursor() as cursor:
            names = ", ".join(f'"{name}"' for name in columns)
            with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([row[name] for name in columns])
        note_bulk_write(db.session)
        return
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start : start + BATCH])


def import_dataset(dataset: Dataset) -> ImportReport:
    """Upsert genres, movies, users and ratings in one transaction."""
    report = ImportReport()
    try:
        genre_ids = _upsert_genres(dataset.genres, report)
        movie_ids = _upsert_movies(dataset.movies, genre_ids, report)
        user_ids = _upsert_users(dataset.users, report)
        _upsert_ratings(dataset.ratings, movie_ids, user_ids, report)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return report


def _upsert_genres(names: list[str], report: ImportReport) -> dict[str, int]:
    wanted = {slugify(name): name[:32] for name in names if name.lower() != "unknown" and slugify(name)}
    existing = {
        genre.slug: genre
        for genre in db.session.scalars(
            select(Genre).where(Genre.slug.in_(list(wanted))).execution_options(**{INCLUDE_DELETED: True})
        )
    }
    taken_names = set(db.session.scalars(select(Genre.name).execution_options(**{INCLUDE_DELETED: True})))
    for slug, name in wanted.items():
        genre = existing.get(slug)
        if genre is None:
            if name in taken_names:
                name = f"{name} ({slug})"[:32]
            genre = Genre(name=name, slug=slug)
            db.session.add(genre)
            existing[slug] = genre
            report.tallies["genres"].created += 1
        elif genre.is_deleted:
            genre.restore()
            report.tallies["genres"].updated += 1
    db.session.flush()
    return {name: existing[slugify(name)].id for name in names if slugify(name) in existing}


def _upsert_movies(movies: list[MLMovie], genre_ids: dict[str, int], report: ImportReport) -> dict[int, int]:
    existing = {
        row.slug: row
        for row in db.session.execute(
            select(Movie.id, Movie.slug, Movie.title, Movie.release_date, Movie.deleted_at)
            .where(Movie.slug.startswith("ml-", autoescape=True))
            .execution_options(**{INCLUDE_DELETED: True})
        )
    }
    links: dict[int, set[int]] = defaultdict(set)
    if existing:
        for movie_id, genre_id in db.session.execute(
            select(movie_genres.c.movie_id, movie_genres.c.genre_id)
            .join(Movie, Movie.id == movie_genres.c.movie_id)
            .where(Movie.slug.startswith("ml-", autoescape=True))
            .execution_options(**{INCLUDE_DELETED: True})
        ):
            links[movie_id].add(genre_id)
    now = utcnow()
    to_insert, to_update, slug_of = [], [], {}
    wanted_genres: dict[str, set[int]] = {}
    for movie in {movie.item_id: movie for movie in movies}.values():
        if movie.release_date is None:
            report.skipped_movies.append(movie.item_id)
            continue
        slug = movie_slug(movie.item_id, movie.title)
        if slug in wanted_genres:
            continue
        slug_of[movie.item_id] = slug
        wanted_genres[slug] = {genre_ids[g] for g in movie.genres if g in genre_ids}
        title = movie.title[:255]
        row = existing.get(slug)
        if row is None:
            to_insert.append(
                {
                    "slug": slug,
                    "title": title,
                    "release_date": movie.release_date,
                    "synopsis": "",
                    "popularity": 0.0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        elif row.title != title or row.release_date != movie.release_date or row.deleted_at is not None:
            to_update.append({"b_id": row.id, "title": title, "release_date": movie.release_date, "updated_at": now})
    bulk_insert(Movie.__table__, to_insert)
    if to_update:
        db.session.execute(
            update(Movie.__table__)
            .where(Movie.__table__.c.id == bindparam("b_id"))
            .values(
                title=bindparam("title"),
                release_date=bindparam("release_date"),
                updated_at=bindparam("updated_at"),
                deleted_at=None,
            ),
            to_update,
        )
    ids = {slug: movie_id for movie_id, slug in _ml_movies() if slug in wanted_genres}
    relinked = {ids[slug] for slug, genres in wanted_genres.items() if links.get(ids[slug], set()) != genres}
    if relinked:
        stale = [movie_id for movie_id in relinked if movie_id in links]
        for start in range(0, len(stale), BATCH):
            db.session.execute(delete(movie_genres).where(movie_genres.c.movie_id.in_(stale[start : start + BATCH])))
        rows = [
            {"movie_id": ids[slug], "genre_id": genre_id}
            for slug, genres in wanted_genres.items()
            if ids[slug] in relinked
            for genre_id in sorted(genres)
        ]
        bulk_insert(movie_genres, rows)
    inserted = {row["slug"] for row in to_insert}
    updated = {row["b_id"] for row in to_update} | {ids[s] for s in wanted_genres if s not in inserted and ids[s] in relinked}
    report.tallies["movies"].created += len(to_insert)
    report.tallies["movies"].updated += len(updated)
    return {item_id: ids[slug] for item_id, slug in slug_of.items()}


def _ml_movies():
    """(id, slug) of every imported movie, soft-deleted ones included."""
    return db.session.execute(
        select(Movie.id, Movie.slug)
        .where(Movie.slug.startswith("ml-", autoescape=True))
        .execution_options(**{INCLUDE_DELETED: True})
    ).all()


def _upsert_users(user_ids: list[int], report: ImportReport) -> dict[int, int]:
    usernames = {f"ml_{uid}": uid for uid in user_ids}
    existing = {
        username: user_id
        for user_id, username in db.session.execute(
            select(User.id, User.username).where(User.username.startswith("ml_", autoescape=True))
        )
        if username in usernames
    }
    now = utcnow()
    rows = [
        {
            "username": name,
            "email": f"{name}@movielens.invalid",
            "first_name": "",
            "last_name": "",
            "verified": True,
            "boarded": True,
            "is_staff": False,
            "is_active": True,
            "preferred_language": "en",
            "password_hash": None,
            "created_at": now,
            "updated_at": now,
        }
        for name in usernames
        if name not in existing
    ]
    bulk_insert(User.__table__, rows)
    report.tallies["users"].created += len(rows)
    if rows:
        existing = {
            username: user_id
            for user_id, username in db.session.execute(
                select(User.id, User.username).where(User.username.startswith("ml_", autoescape=True))
            )
            if username in usernames
        }
    return {usernames[name]: user_id for name, user_id in existing.items()}


def _upsert_ratings(ratings: list[MLRating], movie_ids: dict[int, int], user_ids: dict[int, int], report: ImportReport) -> None:
    current = {
        (user_id, movie_id): (rating_id, rating, created_at)
        for rating_id, user_id, movie_id, rating, created_at in db.session.execute(
            select(Rating.id, Rating.user_id, Rating.movie_id, Rating.rating, Rating.created_at)
            .join(User, User.id == Rating.user_id)
            .where(User.username.startswith("ml_", autoescape=True))
        )
    }
    wanted: dict[tuple[int, int], tuple[int, datetime]] = {}
    for rating in ratings:
        movie_id = movie_ids.get(rating.item_id)
        user_id = user_ids.get(rating.user_id)
        if movie_id is None or user_id is None:
            continue
        moment = datetime.fromtimestamp(rating.timestamp, UTC).replace(tzinfo=None)
        wanted[(user_id, movie_id)] = (clamp_rating(rating.rating), moment)
    to_insert, to_update = [], []
    for (user_id, movie_id), (value, moment) in wanted.items():
        found = current.get((user_id, movie_id))
        if found is None:
            to_insert.append(
                {
                    "user_id": user_id,
                    "movie_id": movie_id,
                    "rating": value,
                    "created_at": moment,
                    "updated_at": moment,
                    "rated_at": moment,
                }
            )
        elif (found[1], found[2]) != (value, moment):
            to_update.append({"b_id": found[0], "rating": value, "created_at": moment, "updated_at": moment, "rated_at": moment})
    bulk_insert(Rating.__table__, to_insert)
    if to_update:
        table = Rating.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(
                rating=bindparam("rating"),
                created_at=bindparam("created_at"),
                updated_at=bindparam("updated_at"),
                rated_at=bindparam("rated_at"),
            ),
            to_update,
        )
    report.tallies["ratings"].created += len(to_insert)
    report.tallies["ratings"].updated += len(to_update)
