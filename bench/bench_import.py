"""Import benchmark (API.md 19): a 10,000-row Letterboxd diary against a 20,000-movie catalogue.

    .venv/bin/python bench/bench_import.py [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench_import]
        [--movies 20000] [--rows 10000] [--runs 3]

Needs PostgreSQL: the database is created when missing and the catalogue (synthetic titles, remakes sharing a title,
a French title for one movie in four) is filled when it does not hold `--movies` movies. Each run imports the same
diary for a new user through `POST /api/me/import/` in-process (multipart upload, auth, parse, match, write,
commit, report), imports it again (the idempotent no-op), then times the three phases of the service separately
for another new user. Background work is left out: no Redis, so the feed warm-up and the retrain counter are off.
"""

from __future__ import annotations

import argparse
import io
import random
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.histories import DIARY_HEADER, csv_text, diary_row  # noqa: E402

WORDS = (
    "night day river city ghost heart storm garden silent red blue last first secret road house king queen summer "
    "winter dark light lost found little big wild quiet broken golden iron glass paper long short north south"
).split()


def ensure_database(url: str) -> None:
    from sqlalchemy import create_engine, make_url, text

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        if not connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": target.database}):
            connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def build_app(url: str):
    from moviesx import create_app

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": url,
            "MOVIESX_ENV": "development",
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": tempfile.mkdtemp(prefix="bench-import-cache-"),
            "CACHE_THRESHOLD": 0,
            "RATELIMIT_ENABLED": False,
            "FEED_CACHE_SECONDS": 0,
            "RECOMMENDER_RETRAIN_AFTER": 0,
        }
    )


def catalogue_titles(count: int, rng: random.Random) -> list[tuple[str, date, float]]:
    titles = []
    for n in range(count):
        if titles and rng.random() < 0.05:  # a remake: an earlier title, another year
            name = rng.choice(titles)[0]
        else:
            name = " ".join(rng.choice(WORDS).capitalize() for _ in range(rng.randint(1, 4))) + f" {n}"
        titles.append((name, date(1920 + rng.randrange(105), 1 + rng.randrange(12), 1), round(rng.random() * 100, 2)))
    return titles


def ensure_catalogue(count: int) -> None:
    from sqlalchemy import func, insert, select, text

    from moviesx.extensions import db
    from moviesx.models import Movie, MovieTranslation

    db.create_all()
    if db.session.scalar(select(func.count(Movie.id))) == count:
        return
    started = time.perf_counter()
    db.session.execute(text("TRUNCATE movies, users RESTART IDENTITY CASCADE"))
    rng = random.Random(7)
    movies = [
        {"title": title, "slug": f"movie-{n}", "synopsis": "", "release_date": day, "popularity": popularity}
        for n, (title, day, popularity) in enumerate(catalogue_titles(count, rng))
    ]
    db.session.execute(insert(Movie), movies)
    ids = db.session.scalars(select(Movie.id).order_by(Movie.id)).all()
    translations = [{"movie_id": movie_id, "language": "fr", "title": f"Le film {movie_id}"} for movie_id in ids[::4]]
    db.session.execute(insert(MovieTranslation), translations)
    db.session.commit()
    with db.engine.begin() as connection:
        connection.execute(text("ANALYZE"))
    print(f"catalogue: {count} movies, {len(translations)} French titles in {time.perf_counter() - started:.1f} s")


def diary_file(rows: int, rng: random.Random) -> bytes:
    """A diary as a long-time Letterboxd user has: rewatches, blank ratings, films missing from the catalogue."""
    from sqlalchemy import extract, select

    from moviesx.extensions import db
    from moviesx.models import Movie, MovieTranslation

    movies = db.session.execute(select(Movie.id, Movie.title, extract("year", Movie.release_date))).all()
    french = dict(db.session.execute(select(MovieTranslation.movie_id, MovieTranslation.title)).all())
    favourites = rng.sample(movies, min(len(movies), int(rows * 0.8)))
    lines = []
    start = date(2012, 1, 1)
    for n in range(rows):
        movie_id, title, year = (
            rng.choice(favourites[: len(favourites) // 10]) if rng.random() < 0.1 else favourites[n % len(favourites)]
        )
        roll = rng.random()
        if roll < 0.05:
            title, year = f"Not In The Catalogue {n}", 1990 + n % 30
        elif roll < 0.10 and movie_id in french:
            title = french[movie_id]
        elif roll < 0.15:
            year = int(year) + rng.choice((-1, 1))
        rating = "" if rng.random() < 0.15 else str(rng.randint(1, 10) / 2)
        lines.append(
            diary_row(title.upper() if roll > 0.95 else title, year, rating, (start + timedelta(days=n // 3)).isoformat())
        )
    return csv_text(DIARY_HEADER, lines, bom=True)


def new_user(tag: str):
    from moviesx.extensions import db
    from moviesx.models import User

    stamp = time.time_ns()
    user = User(
        username=f"bench_{tag}_{stamp}", email=f"{tag}{stamp}@example.com", verified=True, boarded=True, password_hash="!"
    )
    db.session.add(user)
    db.session.commit()
    return user


def http_import(app, user, content: bytes) -> tuple[float, dict]:
    from moviesx.services.accounts.tokens import issue_access

    client = app.test_client()
    headers = {"Authorization": f"Bearer {issue_access(user)}"}
    started = time.perf_counter()
    response = client.post(
        "/api/me/import/", headers=headers, data={"file": (io.BytesIO(content), "diary.csv")}, content_type="multipart/form-data"
    )
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise SystemExit(f"import failed: {response.status_code} {response.get_data(as_text=True)[:300]}")
    return elapsed, response.get_json()


def phases(app, user, content: bytes) -> tuple[float, float, float]:
    from moviesx.services.portability import imports
    from moviesx.services.portability.formats import read_history
    from moviesx.services.portability.matching import match_rows

    with app.test_request_context():
        t0 = time.perf_counter()
        history = read_history(io.BytesIO(content), "diary.csv")
        t1 = time.perf_counter()
        movie_ids = match_rows(history.rows)
        t2 = time.perf_counter()
        imports.apply(user, history, movie_ids)
        t3 = time.perf_counter()
    return t1 - t0, t2 - t1, t3 - t2


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/bench_import")
    parser.add_argument("--movies", type=int, default=20_000)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    ensure_database(args.database_url)
    app = build_app(args.database_url)
    with app.app_context():
        ensure_catalogue(args.movies)
        content = diary_file(args.rows, random.Random(11))
        print(f"diary.csv: {args.rows} rows, {len(content) / 1024:.0f} KiB")
        for run in range(1, args.runs + 1):
            user = new_user("http")
            first, report = http_import(app, user, content)
            again, repeat = http_import(app, user, content)
            split = phases(app, new_user("split"), content)
            summary = (
                f"rows {report['rows']}, matched {report['matched']}, ratings created {report['ratings']['created']}, "
                f"watches {report['watches']}, unmatched {report['unmatched_count']}"
            )
            print(f"run {run}: POST /api/me/import/ {first:.2f} s ({summary})")
            unchanged = repeat["watches"] == 0 and repeat["ratings"] == {"created": 0, "updated": 0}
            print(f"        again (no change: {unchanged}) {again:.2f} s")
            print(f"        parse {split[0]:.2f} s, match {split[1]:.2f} s, write {split[2]:.2f} s (service, another new user)")


if __name__ == "__main__":
    main()
