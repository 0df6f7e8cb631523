"""Reading and matching an imported history (API.md 19), below HTTP: formats, limits and the title matcher."""

from __future__ import annotations

import io
from datetime import date

import pytest

from moviesx.extensions import db
from moviesx.http.errors import APIError
from moviesx.models import MovieTranslation
from moviesx.services.portability import formats
from moviesx.services.portability.formats import DIARY, RATINGS, WATCHED, WATCHLIST, Row, read_history
from moviesx.services.portability.matching import match_rows, normalise
from tests.factories import MovieFactory
from tests.support.histories import DIARY_HEADER, RATINGS_HEADER, WATCHED_HEADER, csv_text, diary_row, film_row, zip_of


def read(content: bytes, filename: str = "export.csv"):
    return read_history(io.BytesIO(content), filename)


def refusal(content: bytes, filename: str = "export.csv") -> str:
    with pytest.raises(APIError) as caught:
        read(content, filename)
    assert caught.value.status == 400
    return caught.value.body["error"]


def test_columns_are_read_by_name_in_any_order_with_quotes_line_breaks_and_short_rows():
    content = (
        '\ufeffRating,Watched Date,Name,Letterboxd URI,Year,Date\r\n'
        '4.5,2024-01-02,"Crouching Tiger, Hidden\r\nDragon",https://boxd.it/a,2000,2024-01-03\r\n'
        '\r\n'
        ',,,,,\r\n'
        '3,2024-02-02,"She said ""no""",https://boxd.it/b,1999\r\n'
        ',2024-13-01,Short Row\r\n'
    ).encode()  # fmt: skip

    history = read(content)

    assert history.format == "letterboxd"
    assert history.rows == [
        Row(DIARY, "Crouching Tiger, Hidden\r\nDragon", 2000, 5, date(2024, 1, 2)),
        Row(DIARY, 'She said "no"', 1999, 3, date(2024, 2, 2)),
        Row(DIARY, "Short Row", None, None, None),
    ]


def test_a_zip_is_read_in_diary_ratings_watched_watchlist_order_and_other_members_are_ignored():
    films = [film_row("Heat", 1995)]
    content = zip_of(
        {
            "watchlist.csv": csv_text(WATCHED_HEADER, films),
            "lists/ratings.csv": csv_text(RATINGS_HEADER, [("2024-01-01", "Other", 2001, "u", "1")]),
            "watched.csv": csv_text(WATCHED_HEADER, films),
            "comments.csv": b"\x00\x01 binary garbage",
            "ratings.csv": csv_text(RATINGS_HEADER, [("2024-01-01", "Heat", 1995, "u", "2")]),
            "diary.csv": csv_text(DIARY_HEADER, [diary_row("Heat", 1995, "", "2024-01-01")]),
        }
    )

    assert [(row.kind, row.rating) for row in read(content, "export.zip").rows] == [
        (DIARY, None),
        (RATINGS, 2),
        (WATCHED, None),
        (WATCHLIST, None),
    ]


def test_a_single_csv_is_recognised_by_its_header():
    header_only = {
        "Date,Name,Year,Letterboxd URI,Rating,Rewatch,Tags,Watched Date": "diary",
        "Date,Name,Year,Letterboxd URI,Rating": "ratings",
        "Date,Name,Year,Letterboxd URI": "watched",
    }
    for header, kind in header_only.items():
        content = f"{header}\r\n2024-01-01,Heat,1995,u,4,,,2024-01-01\r\n".encode()
        assert read(content, "letterboxd.csv").rows[0].kind == kind
    assert read(b"Date,Name,Year,Letterboxd URI\r\nx,Heat,1995,u\r\n", "WATCHLIST.csv").rows[0].kind == WATCHLIST
    imdb = read(b"Title,Year,Your Rating,Const,Date Rated,Genres\r\nHeat,1995,9,tt1,2020-01-01,Crime\r\n")
    assert (imdb.format, imdb.rows) == ("imdb", [Row(RATINGS, "Heat", 1995, 5)])


@pytest.mark.parametrize(
    ("text", "expected"),
    [("1", 1), ("2", 1), ("3", 2), ("7", 4), ("10", 5), ("0", None), ("11", None), ("", None), ("seven", None)],
)
def test_imdb_ratings_are_halved_and_rounded_up(text, expected):
    content = f"Const,Your Rating,Date Rated,Title,Year\r\ntt1,{text},2020-01-01,Heat,1995\r\n".encode()
    assert read(content).rows[0].rating == expected


@pytest.mark.parametrize("year", ["", "19x5", "-1995", "0", "12345", "1995.0"])
def test_an_unreadable_year_is_none(year):
    assert read(f"Date,Name,Year,Letterboxd URI\r\nx,Heat,{year},u\r\n".encode()).rows[0].year is None


def test_rows_are_counted_across_files_and_the_limit_is_fifty_thousand(monkeypatch):
    monkeypatch.setattr(formats, "MAX_ROWS", 3)
    two = csv_text(WATCHED_HEADER, [film_row("A", 2000), film_row("B", 2000)])
    assert len(read(zip_of({"watched.csv": two}), "x.zip").rows) == 2
    assert refusal(zip_of({"watched.csv": two, "watchlist.csv": two}), "x.zip") == "File is too large"


def test_a_member_is_read_through_a_cap_whatever_its_declared_size(monkeypatch):
    monkeypatch.setattr(formats, "MAX_MEMBER_BYTES", 100)
    small = csv_text(WATCHED_HEADER, [film_row("A", 2000)])
    assert len(small) < 100
    assert len(read(small).rows) == 1
    assert refusal(csv_text(WATCHED_HEADER, [film_row("A" * 100, 2000)])) == "File is too large"
    archive = zip_of({"watched.csv": csv_text(WATCHED_HEADER, [film_row("A" * 100, 2000)])})
    assert refusal(archive, "x.zip") == "File is too large"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\r\n\r\n",
        b"PK\x05\x06" + bytes(18),
        b"PK\x03\x04\x14\x00",
        "Date,Name,Year,Letterboxd URI\r\nx,Caf\u00e9,1,u\r\n".encode("latin-1"),
    ],
    ids=["empty", "blank lines", "empty zip", "truncated zip", "latin-1"],
)
def test_unreadable_uploads(content):
    assert refusal(content, "x.zip") == "Unrecognised file: expected a Letterboxd or IMDb export"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  The   Godfather\t", "the godfather"),
        ("AMÉLIE", "amélie"),
        ("STRASSE", "strasse"),
        ("Straße", "strasse"),
        ("ＡＫＩＲＡ", "akira"),  # fullwidth letters (NFKC)
        ("Ame\u0301lie", "amélie"),  # a combining accent composes (NFKC)
        ("Line\r\nBreak", "line break"),
        ("ﬁnal", "final"),
    ],
)
def test_normalise(text, expected):
    assert normalise(text) == expected


def test_matching_uses_translated_titles_of_live_movies_only(app):
    spirited = MovieFactory(title="Spirited Away", release_date=date(2001, 7, 20))
    gone = MovieFactory(title="Gone", release_date=date(2001, 1, 1))
    db.session.add_all(
        [
            MovieTranslation(movie_id=spirited.id, language="fr", title="Le Voyage de Chihiro"),
            MovieTranslation(movie_id=spirited.id, language="de", title=""),
            MovieTranslation(movie_id=gone.id, language="es", title="Ido"),
        ]
    )
    gone.delete()
    db.session.commit()
    rows = [
        Row(WATCHED, title, year) for title, year in [("le voyage de CHIHIRO", 2002), ("Gone", 2001), ("Ido", 2001), ("", 2001)]
    ]

    assert match_rows(rows) == [spirited.id, None, None, None]
