"""MovieLens-100k import (API.md 10.3) in its classic (`u.data`, `u.item`, `u.genre`) or atomic
(`<name>.inter`, `<name>.item`, typed headers) layout, with idempotent bulk upserts.

Reading is separate from writing: `read_dataset` gives plain records (also used by the offline evaluation),
`import_dataset` writes them with a handful of set-based statements instead of one ORM object per rating.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import bindparam, delete, insert, select, update

from moviesx.extensions import db
from moviesx.models import INCLUDE_DELETED, Genre, Movie, Rating, User, movie_genres
from moviesx.services.clock import utcnow
from moviesx.services.feed.invalidation import note_bulk_write
from moviesx.services.slugify import slugify

_TITLE_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")
_ANY_YEAR = re.compile(r"\((\d{4})\)")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}
BATCH = 5000


class MovieLensError(Exception):
    """The directory does not hold a readable MovieLens dataset."""


@dataclass
class MLMovie:
    item_id: int
    title: str
    release_date: date | None
    genres: list[str]


@dataclass
class MLRating:
    user_id: int
    item_id: int
    rating: float
    timestamp: int


@dataclass
class Dataset:
    layout: str
    genres: list[str]
    movies: list[MLMovie]
    users: list[int]
    ratings: list[MLRating]


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


# --- reading -----------------------------------------------------------------------------------------------


def read_dataset(directory: str | Path) -> Dataset:
    """Detect the layout (classic first, then atomic) and read genres, movies, users and ratings."""
    root = Path(directory)
    if not root.is_dir():
        raise MovieLensError(f"{root}: not a directory")
    if (root / "u.data").is_file() and (root / "u.item").is_file():
        return _read_classic(root)
    inter = sorted(root.glob("*.inter"))
    for path in inter:
        item = path.with_suffix(".item")
        if item.is_file():
            return _read_atomic(path, item, path.with_suffix(".user"))
    raise MovieLensError(f"{root}: no MovieLens-100k data (u.data + u.item, or <name>.inter + <name>.item)")


def split_title(raw: str) -> tuple[str, int | None]:
    """The title without a trailing ` (YYYY)`, and the year found in the title (if any)."""
    raw = raw.strip()
    match = _TITLE_YEAR.search(raw)
    title = raw[: match.start()].strip() if match else raw
    year = _ANY_YEAR.findall(raw)
    return title or raw, int(year[-1]) if year else None


def parse_classic_date(value: str) -> date | None:
    """`01-Jan-1995` -> date(1995, 1, 1)."""
    parts = value.strip().split("-")
    if len(parts) != 3 or parts[1].lower() not in _MONTHS:
        return None
    try:
        return date(int(parts[2]), _MONTHS[parts[1].lower()], int(parts[0]))
    except ValueError:
        return None


def _year_date(year) -> date | None:
    try:
        number = int(float(year))
    except (TypeError, ValueError):
        return None
    return date(number, 1, 1) if 1 <= number <= 9999 else None


def _read_classic(root: Path) -> Dataset:
    genre_names: dict[int, str] = {}
    genre_file = root / "u.genre"
    if genre_file.is_file():
        for line in genre_file.read_text("latin-1").splitlines():
            if "|" in line:
                name, _, index = line.rpartition("|")
                if index.strip().isdigit():
                    genre_names[int(index)] = name.strip()
    ordered_genres = [genre_names[i] for i in sorted(genre_names)]
    movies = []
    for line in (root / "u.item").read_text("latin-1").splitlines():
        parts = line.split("|")
        if len(parts) < 5 or not parts[0].strip().isdigit():
            continue
        title, title_year = split_title(parts[1])
        released = parse_classic_date(parts[2]) or _year_date(title_year)
        flags = parts[5:]
        genres = [ordered_genres[i] for i, flag in enumerate(flags) if flag.strip() == "1" and i < len(ordered_genres)]
        movies.append(MLMovie(int(parts[0]), title, released, genres))
    ratings = []
    with open(root / "u.data", encoding="latin-1") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 4:
                ratings.append(MLRating(int(parts[0]), int(parts[1]), float(parts[2]), int(float(parts[3]))))
    users = {r.user_id for r in ratings}
    user_file = root / "u.user"
    if user_file.is_file():
        for line in user_file.read_text("latin-1").splitlines():
            head = line.split("|", 1)[0].strip()
            if head.isdigit():
                users.add(int(head))
    return Dataset("classic", ordered_genres, movies, sorted(users), ratings)


def _atomic_rows(path: Path):
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None:
            return
        names = [column.split(":", 1)[0].strip() for column in header]
        for row in reader:
            if row:
                yield dict(zip(names, row, strict=False))


def _read_atomic(inter: Path, item: Path, user: Path) -> Dataset:
    movies, seen_genres = [], {}
    for row in _atomic_rows(item):
        item_id = (row.get("item_id") or "").strip()
        if not item_id.isdigit():
            continue
        title, title_year = split_title(row.get("movie_title") or "")
        released = _year_date((row.get("release_year") or "").strip()) or _year_date(title_year)
        genres = (row.get("class") or "").split()
        for genre in genres:
            seen_genres.setdefault(genre, None)
        movies.append(MLMovie(int(item_id), title, released, genres))
    ratings = []
    for row in _atomic_rows(inter):
        try:
            ratings.append(MLRating(int(row["user_id"]), int(row["item_id"]), float(row["rating"]), int(float(row["timestamp"]))))
        except (KeyError, ValueError):
            continue
    users = {r.user_id for r in ratings}
    if user.is_file():
        users.update(int(row["user_id"]) for row in _atomic_rows(user) if (row.get("user_id") or "").isdigit())
    return Dataset("atomic", list(seen_genres), movies, sorted(users), ratings)


# --- writing -----------------------------------------------------------------------------------------------


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
                {"user_id": user_id, "movie_id": movie_id, "rating": value, "created_at": moment, "updated_at": moment}
            )
        elif (found[1], found[2]) != (value, moment):
            to_update.append({"b_id": found[0], "rating": value, "created_at": moment, "updated_at": moment})
    bulk_insert(Rating.__table__, to_insert)
    if to_update:
        table = Rating.__table__
        db.session.execute(
            update(table)
            .where(table.c.id == bindparam("b_id"))
            .values(rating=bindparam("rating"), created_at=bindparam("created_at"), updated_at=bindparam("updated_at")),
            to_update,
        )
    report.tallies["ratings"].created += len(to_insert)
    report.tallies["ratings"].updated += len(to_update)
