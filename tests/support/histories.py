"""Letterboxd and IMDb export files, built the way those services write them (tests and benchmarks)."""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from collections.abc import Iterable, Sequence

DIARY_HEADER = ("Date", "Name", "Year", "Letterboxd URI", "Rating", "Rewatch", "Tags", "Watched Date")
RATINGS_HEADER = ("Date", "Name", "Year", "Letterboxd URI", "Rating")
WATCHED_HEADER = ("Date", "Name", "Year", "Letterboxd URI")
WATCHLIST_HEADER = WATCHED_HEADER
IMDB_HEADER = (
    "Const",
    "Your Rating",
    "Date Rated",
    "Title",
    "Original Title",
    "URL",
    "Title Type",
    "IMDb Rating",
    "Runtime (mins)",
    "Year",
    "Genres",
    "Num Votes",
    "Release Date",
    "Directors",
)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]], *, bom: bool = False) -> bytes:
    """A CSV file as Letterboxd writes it: CRLF line ends, fields quoted when they need it, UTF-8."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")


def uri(name: str) -> str:
    return f"https://boxd.it/{zlib.crc32(name.encode()):x}"


def diary_row(name: str, year: object, rating: object, watched_on: str, rewatch: str = "") -> tuple:
    return ("2024-06-01", name, year, uri(name), rating, rewatch, "", watched_on)


def rating_row(name: str, year: object, rating: object) -> tuple:
    return ("2024-06-01", name, year, uri(name), rating)


def film_row(name: str, year: object) -> tuple:
    return ("2024-06-01", name, year, uri(name))


def imdb_row(const: str, rating: object, title: str, year: object) -> tuple:
    return (const, rating, "2023-05-04", title, title, f"https://www.imdb.com/title/{const}/", "Movie", "7.9", "120", year,
            "Drama", "1000", f"{year}-01-01", "Someone")  # fmt: skip


def zip_of(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()
