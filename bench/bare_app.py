"""The reference for bench_read_path.py: the least a Flask + Flask-SQLAlchemy app can do per request on this stack.

One `select ... where slug = :s` on a 20,000-row table and `jsonify` of 5 columns. `BARE_DATABASE_URL` names the
database; `python bench/bare_app.py fill` creates and fills the table (idempotent).
"""

from __future__ import annotations

import os
import sys

from flask import Flask, abort, jsonify
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

ROWS = 20_000

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ.get("BARE_DATABASE_URL", "sqlite://")
db = SQLAlchemy(app)


@app.get("/items/<slug>/")
def item(slug: str):
    row = db.session.execute(
        text("SELECT id, slug, title, year, popularity FROM bare_items WHERE slug = :s"), {"s": slug}
    ).first()
    if row is None:
        abort(404)
    return jsonify(id=row.id, slug=row.slug, title=row.title, year=row.year, popularity=row.popularity)


@app.get("/healthz")
def healthz():
    return jsonify(status="ok")


def fill() -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE TABLE IF NOT EXISTS bare_items (id INTEGER PRIMARY KEY, slug VARCHAR(64) NOT NULL UNIQUE, "
                "title VARCHAR(255) NOT NULL, year INTEGER NOT NULL, popularity FLOAT NOT NULL)"
            )
        )
        if connection.execute(text("SELECT count(*) FROM bare_items")).scalar() < ROWS:
            connection.execute(text("DELETE FROM bare_items"))
            connection.execute(
                text("INSERT INTO bare_items VALUES (:id, :slug, :title, :year, :popularity)"),
                [
                    {"id": n, "slug": f"item-{n}", "title": f"Item number {n}", "year": 1900 + n % 120, "popularity": n / 7}
                    for n in range(1, ROWS + 1)
                ],
            )
        connection.execute(text("ANALYZE bare_items"))


if __name__ == "__main__" and sys.argv[1:] == ["fill"]:
    fill()
