"""Training data streamed from the database (binary COPY on PostgreSQL, a chunked cursor on SQLite) is the same
matrix as the row-by-row query it replaces."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import Movie, Rating, User
from moviesx.services.feed import extraction, recommender
from tests.factories import UserFactory
from tests.support.recommender import movie, rate_many


@pytest.fixture
def ratings(app):
    """Ratings of every star count by 12 users over 9 movies, plus some that must not count."""
    users = UserFactory.create_batch(12)
    films = [movie() for _ in range(9)]
    pairs = [(u, user, m, film) for u, user in enumerate(users) for m, film in enumerate(films) if (u + m) % 3]
    rate_many((user, film, 1 + (u * 7 + m * 3) % 5) for u, user, m, film in pairs)
    users[4].is_active = False  # a deactivated user's ratings are no training data
    films[6].delete()  # nor are a deleted movie's
    db.session.commit()
    return users, films


def rows_as_before() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The extraction this module replaced: every row fetched as a Python tuple, then turned into arrays."""
    rows = db.session.execute(
        select(Rating.user_id, Rating.movie_id, Rating.rating)
        .join(User, User.id == Rating.user_id)
        .join(Movie, Movie.id == Rating.movie_id)
        .where(User.is_active.is_(True), Movie.deleted_at.is_(None), Rating.rating >= recommender.POSITIVE_FROM)
    ).all()
    data = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return data[:, 0], data[:, 1], data[:, 2]


def assert_same_matrix(streamed: recommender.RatingMatrix, reference: recommender.RatingMatrix) -> None:
    assert streamed.user_ids.tolist() == reference.user_ids.tolist()
    assert streamed.item_ids.tolist() == reference.item_ids.tolist()
    assert streamed.confidences.dtype == reference.confidences.dtype == np.float32
    assert streamed.confidences.shape == reference.confidences.shape
    assert (streamed.confidences != reference.confidences).nnz == 0
    assert streamed.confidences.nnz == reference.confidences.nnz


@pytest.mark.parametrize("chunk_rows", [1, 7, extraction.CHUNK_ROWS])
def test_streamed_matrix_is_the_row_by_row_matrix(ratings, chunk_rows):
    users, films = ratings
    reference_triples = rows_as_before()
    streamed_triples = recommender.positive_ratings(chunk_rows=chunk_rows)
    assert [column.dtype for column in streamed_triples] == [np.int64, np.int64, np.int16]
    assert sorted(zip(*(c.tolist() for c in streamed_triples), strict=True)) == sorted(
        zip(*(c.tolist() for c in reference_triples), strict=True)
    )
    streamed, reference = recommender.rating_matrix(*streamed_triples), recommender.rating_matrix(*reference_triples)
    assert_same_matrix(streamed, reference)
    # Independently of the old code: who and what is in the matrix, and one weight.
    assert users[4].id not in streamed.user_ids.tolist()
    assert films[6].id not in streamed.item_ids.tolist()
    row, column = streamed.user_ids.tolist().index(users[0].id), streamed.item_ids.tolist().index(films[1].id)
    stars = db.session.scalar(select(Rating.rating).filter_by(user_id=users[0].id, movie_id=films[1].id))
    assert streamed.confidences[row, column] == max(0, stars - 2)


def test_nothing_to_stream(app):
    users, movies, stars = recommender.positive_ratings()
    assert (len(users), len(movies), len(stars)) == (0, 0, 0)
    assert recommender.rating_matrix(users, movies, stars) is None


def test_postgresql_reads_a_binary_copy_in_chunks(ratings, backend):
    connection = db.session.connection()
    if backend != "postgresql":
        pytest.skip("COPY is PostgreSQL's")
    assert connection.dialect.driver == "psycopg"
    statement = select(Rating.user_id, Rating.movie_id, Rating.rating).order_by(Rating.id)
    chunks = list(extraction._copy_chunks(connection, statement, chunk_rows=5))
    assert len(chunks) > 10
    users, movies, stars = (np.concatenate(column) for column in zip(*chunks, strict=True))
    expected = db.session.execute(statement).all()
    assert list(zip(users.tolist(), movies.tolist(), stars.tolist(), strict=True)) == [tuple(row) for row in expected]


def copy_stream(rows, *, extension: bytes = b"") -> bytes:
    """A `COPY ... TO STDOUT (FORMAT BINARY)` stream of (int4, int4, int2) rows, as PostgreSQL writes it."""
    body = b"".join(
        (3).to_bytes(2, "big")
        + b"".join(
            size.to_bytes(4, "big") + value.to_bytes(size, "big", signed=True) for size, value in zip((4, 4, 2), row, strict=True)
        )
        for row in rows
    )
    header = extraction.COPY_SIGNATURE + bytes(4) + len(extension).to_bytes(4, "big") + extension
    return header + body + extraction.COPY_TRAILER


@pytest.mark.parametrize("piece", [1, 5, 24, 1000])
def test_copy_rows_split_anywhere_are_parsed_whole(piece):
    rows = [(user, 100 + user % 7, 1 + user % 5) for user in range(1, 60)]
    stream = copy_stream(rows, extension=b"ext")
    buffer, parts = bytearray(), []
    for start in range(0, len(stream), piece):
        buffer += stream[start : start + piece]
        parts.append(extraction._parse_rows(buffer))
    assert bytes(buffer) == extraction.COPY_TRAILER
    parsed = [np.concatenate(column).tolist() for column in zip(*parts, strict=True)]
    assert list(zip(*parsed, strict=True)) == rows


def test_a_null_in_the_copy_stream_is_refused():
    stream = bytearray(copy_stream([(1, 2, 3)]))
    user_size = 19 + 2  # after the 19-byte header and the row's field count
    stream[user_size : user_size + 4] = (-1).to_bytes(4, "big", signed=True)  # the length -1 of a NULL
    with pytest.raises(ValueError, match="Unexpected row layout"):
        extraction._parse_rows(stream)
