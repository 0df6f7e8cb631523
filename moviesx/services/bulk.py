"""Bulk writes of one user's rows (an import), each recorded for the feed invalidation of that user
(moviesx.services.feed.invalidation).

On PostgreSQL rows go in with COPY: a statement per row (the driver's executemany), per set of non-NULL keys (the
ORM's bulk insert) or a multi-row VALUES with thousands of bound values (slow to compile and to convert) each cost
seconds for ten thousand rows; COPY leaves only the server's own work (bench/README.md). SQLite's executemany is
already one prepared statement. A constraint a COPY breaks raises the driver's IntegrityError, which
`services/transactions.py` answers like SQLAlchemy's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from sqlalchemy import insert

from moviesx.extensions import db
from moviesx.services.feed.invalidation import FEED_USERS_OPTION, note_bulk_write

BATCH = 1000  # ids per IN list


def batches(items: Sequence, size: int = BATCH) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def insert_rows(model: type, rows: Sequence[dict[str, Any]], user_id: int) -> None:
    """Insert `rows` (dicts with the same keys) of `model`, all owned by the user, without committing."""
    if not rows:
        return
    table = model.__table__
    connection = db.session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        columns = list(rows[0])
        names = ", ".join(f'"{name}"' for name in columns)
        statement = f'COPY "{table.name}" ({names}) FROM STDIN'
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[name] for name in columns])
        note_bulk_write(db.session, table, (user_id,))
        return
    db.session.execute(insert(table).execution_options(**{FEED_USERS_OPTION: (user_id,)}), list(rows))
