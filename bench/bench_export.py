"""Export benchmark (API.md 18): GET /api/me/export/ for a user with 5,000 ratings, 2,000 watches and 100 lists.

    .venv/bin/python bench/bench_export.py                                   # fresh SQLite in a temporary folder
    .venv/bin/python bench/bench_export.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench --reset

Builds the data (bulk inserts): a catalogue of `--movies` movies, the exporting user with `--ratings` ratings,
`--watches` watches, `--lists` lists of `--list-size` movies, reviews, comments, reactions, watchlist and unseen
marks, 50 friends, and as many rows again for 20 other users (so that every query has other users' rows to skip).
Then times the whole request in-process (test client: auth, queries, dumping, JSON), best and median of `--runs`,
and prints the SQL statements one export costs and the size of the document. `--reset` drops every table of that
database first: point it at a scratch database. Target: under 2 s.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret-key-that-is-long-enough-for-hs256"


def build_app(database_url: str):
    from moviesx import create_app

    folder = tempfile.mkdtemp(prefix="bench-export-")
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SECRET_KEY": SECRET,
            "MOVIESX_ENV": "testing",
            "INSTANCE_PATH": folder,
            "MEDIA_ROOT": f"{folder}/media",
            "CACHE_TYPE": "FileSystemCache",
            "CACHE_DIR": f"{folder}/cache",
            "CACHE_THRESHOLD": 0,
            "RATELIMIT_ENABLED": False,
        }
    )


def insert(table, rows: list[dict]) -> None:
    from moviesx.extensions import db

    for start in range(0, len(rows), 5000):
        db.session.execute(table.insert(), rows[start : start + 5000])


def build(args) -> int:
    """Fill the database; returns the exporting user's id."""
    from moviesx.extensions import db
    from moviesx.models import (
        Comment,
        FriendRequest,
        Friendship,
        Movie,
        MovieList,
        MovieListItem,
        Rating,
        Reaction,
        Review,
        UnseenMark,
        User,
        Watch,
        WatchlistEntry,
    )

    now = datetime(2026, 1, 1)
    stamp = {"created_at": now, "updated_at": now}
    insert(
        Movie.__table__,
        [
            {"title": f"Movie {n}", "slug": f"movie-{n}", "synopsis": "", "release_date": date(1950 + n % 70, 1, 1)}
            | {"popularity": 0.0, "cover": None, **stamp}
            for n in range(args.movies)
        ],
    )
    movie_ids = list(db.session.scalars(db.select(Movie.id).order_by(Movie.id)))
    people = 1 + 50 + 20
    insert(
        User.__table__,
        [
            {"username": f"bench_{n}", "email": f"bench_{n}@example.com", "first_name": "B", "last_name": str(n)}
            | {"verified": True, "boarded": True, "is_staff": False, "is_active": True, "preferred_language": "en", **stamp}
            for n in range(people)
        ],
    )
    user_ids = list(db.session.scalars(db.select(User.id).order_by(User.id)))
    me, friends, others = user_ids[0], user_ids[1:51], user_ids[51:]
    insert(
        Friendship.__table__, [{"user_id": a, "friend_id": b, "created_at": now} for f in friends for a, b in ((me, f), (f, me))]
    )
    insert(
        FriendRequest.__table__,
        [{"from_user_id": me, "to_user_id": f, "pair_low": me, "pair_high": f, "status": "A", **stamp} for f in friends],
    )
    for owner in (me, *others):
        share = 1 if owner == me else 20  # the other users together own as much again
        offset = owner % len(movie_ids)
        mine = [movie_ids[(offset + n) % len(movie_ids)] for n in range(args.ratings)][: max(1, args.ratings // share)]
        insert(Rating.__table__, [{"user_id": owner, "movie_id": m, "rating": 1 + m % 5, **stamp} for m in mine])
        insert(
            Watch.__table__,
            [
                {"user_id": owner, "movie_id": m, "watched_on": date(2025, 1, 1) + timedelta(days=i % 365)}
                | {"rating": None, "note": "", "created_at": now}
                for i, m in enumerate(mine[: args.watches // share])
            ],
        )
        insert(
            WatchlistEntry.__table__,
            [{"user_id": owner, "movie_id": m, "created_at": now} for m in mine[-200 // share :]],
        )
        insert(UnseenMark.__table__, [{"user_id": owner, "movie_id": m, "created_at": now} for m in mine[:100:share]])
        lists = args.lists // share if owner != me else args.lists
        insert(
            MovieList.__table__,
            [
                {"user_id": owner, "name": f"List {n}", "slug": f"list-{n}", "description": "", "privacity": "PFR"[n % 3]} | stamp
                for n in range(lists)
            ],
        )
        list_ids = list(db.session.scalars(db.select(MovieList.id).where(MovieList.user_id == owner)))
        insert(
            MovieListItem.__table__,
            [
                {"movie_list_id": list_id, "movie_id": movie_ids[(n * 7 + p) % len(movie_ids)], "position": p, "created_at": now}
                for n, list_id in enumerate(list_ids)
                for p in range(args.list_size)
            ],
        )
        insert(
            Review.__table__,
            [
                {"user_id": owner, "movie_id": m, "title": "T", "content": "C", "is_positive": True, "deleted_at": None} | stamp
                for m in mine[: 200 // share]
            ],
        )
    reviews = list(db.session.scalars(db.select(Review.id).order_by(Review.id)))
    insert(
        Comment.__table__,
        [
            {"review_id": r, "user_id": u, "parent_id": None, "content": "C", "deleted_at": None, **stamp}
            for r in reviews
            for u in (me, friends[r % 50])
        ],
    )
    insert(
        Reaction.__table__,
        [
            {"user_id": u, "review_id": r, "comment_id": None, "emoji": "LIKE", "deleted_at": None, **stamp}
            for r in reviews
            for u in (me, friends[r % 50])
        ],
    )
    db.session.commit()
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
    return me


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--reset", action="store_true", help="drop every table of --database-url first")
    parser.add_argument("--movies", type=int, default=20_000)
    parser.add_argument("--ratings", type=int, default=5_000)
    parser.add_argument("--watches", type=int, default=2_000)
    parser.add_argument("--lists", type=int, default=100)
    parser.add_argument("--list-size", type=int, default=20)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{tempfile.mkdtemp(prefix='bench-export-db-')}/bench.db"

    from sqlalchemy import event

    from moviesx.extensions import db
    from moviesx.models import User
    from moviesx.services.accounts.tokens import issue_access

    app = build_app(url)
    with app.app_context():
        if args.reset:
            db.drop_all()
        elif args.database_url and db.inspect(db.engine).has_table("users"):
            sys.exit("the database already has tables: pass --reset to drop them (a scratch database only)")
        db.create_all()
        started = time.perf_counter()
        me = build(args)
        print(f"{db.engine.dialect.name}: data built in {time.perf_counter() - started:.1f} s")
        headers = {"Authorization": f"Bearer {issue_access(db.session.get(User, me))}"}
        db.session.remove()

    client = app.test_client()
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    timings, size = [], 0
    for _ in range(args.runs):
        statements.clear()
        started = time.perf_counter()
        response = client.get("/api/me/export/", headers=headers)
        body = response.get_data()
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        size = len(body)
        queries = len(statements)
    document = response.get_json()
    counts = {key: len(document[key]) for key in ("ratings", "diary", "lists", "reviews", "comments", "reactions")}
    print("export sections: " + ", ".join(f"{key} {value}" for key, value in counts.items()))
    print(f"document: {size / 1024:.0f} KiB, {queries} SQL statements per export")
    print(
        f"GET /api/me/export/ over {args.runs} runs: best {min(timings) * 1000:.0f} ms, "
        f"median {statistics.median(timings) * 1000:.0f} ms, worst {max(timings) * 1000:.0f} ms (target < 2000 ms)"
    )


if __name__ == "__main__":
    main()
