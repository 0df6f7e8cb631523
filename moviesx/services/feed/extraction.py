"""Training triples streamed from the database into numpy arrays, never one Python object per rating kept around.

PostgreSQL (psycopg 3) sends the rows as a binary COPY: with fixed-width columns every row has the same 24 bytes,
so a chunk of the stream is read as one numpy record array. Other databases (SQLite) go through a streaming cursor
read in chunks of `chunk_rows`, each chunk turned into numpy arrays at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain

import numpy as np
from sqlalchemy import Connection, Integer, Select, SmallInteger, cast, select

from moviesx.extensions import db

CHUNK_ROWS = 65_536
Triples = tuple[np.ndarray, np.ndarray, np.ndarray]  # (user ids int64, movie ids int64, stars int16)
EMPTY: Triples = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, np.int16))

COPY_SIGNATURE = b"PGCOPY\n\xff\r\n\x00"
COPY_TRAILER = b"\xff\xff"
# One row of `COPY ... (FORMAT BINARY)` of (int4, int4, int2): field count, then each field's length and value.
COPY_ROW = np.dtype(
    [
        ("fields", ">i2"),
        ("user_size", ">i4"),
        ("user", ">i4"),
        ("movie_size", ">i4"),
        ("movie", ">i4"),
        ("stars_size", ">i4"),
        ("stars", ">i2"),
    ]
)


def stream_triples(statement: Select, chunk_rows: int = CHUNK_ROWS) -> Triples:
    """Run a (user id, movie id, stars) SELECT in the session's transaction and return its rows as three arrays."""
    connection = db.session.connection()
    if connection.dialect.name == "postgresql" and connection.dialect.driver == "psycopg":
        chunks = _copy_chunks(connection, statement, chunk_rows)
    else:
        chunks = _cursor_chunks(connection, statement, chunk_rows)
    parts = [EMPTY, *chunks]
    users, movies, stars = (np.concatenate(column) for column in zip(*parts, strict=True))
    return users, movies, stars


def _cursor_chunks(connection: Connection, statement: Select, chunk_rows: int) -> Iterator[Triples]:
    result = connection.execution_options(stream_results=True, yield_per=chunk_rows).execute(statement)
    for rows in result.partitions():
        data = np.fromiter(chain.from_iterable(rows), dtype=np.int64, count=3 * len(rows)).reshape(-1, 3)
        yield data[:, 0].copy(), data[:, 1].copy(), data[:, 2].astype(np.int16)


def _copy_chunks(connection: Connection, statement: Select, chunk_rows: int) -> Iterator[Triples]:
    """Binary COPY of the statement (its columns cast to int4, int4, int2), parsed every `chunk_rows` rows."""
    inner = statement.subquery()
    user, movie, stars = inner.c
    typed = select(cast(user, Integer), cast(movie, Integer), cast(stars, SmallInteger))
    sql = typed.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    chunk_bytes = chunk_rows * COPY_ROW.itemsize
    buffer = bytearray()
    with connection.connection.driver_connection.cursor() as cursor:
        with cursor.copy(f"COPY ({sql}) TO STDOUT (FORMAT BINARY)") as copy:
            for block in copy:
                buffer += block
                if len(buffer) >= chunk_bytes:
                    yield _parse_rows(buffer)
    yield _parse_rows(buffer)
    if bytes(buffer) != COPY_TRAILER:
        raise ValueError("The COPY stream did not end with its trailer")


def _parse_rows(buffer: bytearray) -> Triples:
    """Take the header (at the start) and every complete row off the front of the buffer."""
    if buffer.startswith(COPY_SIGNATURE):  # signature, flags (int4), header extension length (int4), extension
        fixed = len(COPY_SIGNATURE) + 8
        header = fixed + int.from_bytes(buffer[fixed - 4 : fixed], "big") if len(buffer) >= fixed else fixed
        if len(buffer) < header:
            return EMPTY
        del buffer[:header]
    count = len(buffer) // COPY_ROW.itemsize
    if not count:
        return EMPTY
    rows = np.frombuffer(buffer, dtype=COPY_ROW, count=count)
    layout = (rows["fields"] == 3) & (rows["user_size"] == 4) & (rows["movie_size"] == 4) & (rows["stars_size"] == 2)
    if not layout.all():
        raise ValueError("Unexpected row layout in the COPY stream (a NULL or another column type)")
    triples = rows["user"].astype(np.int64), rows["movie"].astype(np.int64), rows["stars"].astype(np.int16)
    del rows  # release the view before the buffer shrinks
    del buffer[: count * COPY_ROW.itemsize]
    return triples
