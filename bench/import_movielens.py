"""Time `movielens import` of the full MovieLens-100k set (API.md 10.3).

    python bench/import_movielens.py [DIR] [--reset]

DIR defaults to bench/data/ml-100k (fetch it with bench/get-movielens.sh DIR).
Without DATABASE_URL a fresh SQLite file in a temporary folder is used. With DATABASE_URL (e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/bench) the tables are created if missing; --reset drops
and recreates every table of that database first, so the first run is a true fresh import.
Prints the time of the first import and of an idempotent second run.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("directory", nargs="?", default=str(ROOT / "bench" / "data" / "ml-100k"))
    parser.add_argument("--reset", action="store_true", help="drop and recreate all tables of DATABASE_URL first")
    args = parser.parse_args()

    scratch = tempfile.mkdtemp(prefix="moviesx-bench-")
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{scratch}/bench.db"
    from moviesx import create_app
    from moviesx.extensions import db
    from moviesx.services.ops.movielens import read_dataset
    from moviesx.services.ops.movielens_import import import_dataset

    app = create_app(
        {
            "INSTANCE_PATH": scratch,
            "MOVIESX_ENV": "testing",
            "SECRET_KEY": "bench-secret-key-bench-secret-key-bench",
            "SQLALCHEMY_DATABASE_URI": url,
            "MEDIA_ROOT": f"{scratch}/media",
        }
    )
    with app.app_context():
        if args.reset and url.startswith("postgresql"):
            db.drop_all()
        db.create_all()
        print(f"database: {db.engine.dialect.name} ({url.rsplit('@', 1)[-1]})")
        started = time.perf_counter()
        dataset = read_dataset(args.directory)
        read_seconds = time.perf_counter() - started
        print(
            f"read {args.directory} ({dataset.layout}): {len(dataset.movies)} movies, {len(dataset.users)} users, "
            f"{len(dataset.ratings)} ratings in {read_seconds:.2f} s"
        )
        for label in ("first import", "second import (idempotent)"):
            started = time.perf_counter()
            report = import_dataset(dataset)
            elapsed = time.perf_counter() - started
            print(f"{label}: {elapsed:.2f} s ({len(dataset.ratings) / elapsed:,.0f} ratings/s)")
            for line in report.lines():
                print(f"  {line}")


if __name__ == "__main__":
    main()
