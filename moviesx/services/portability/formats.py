"""Reading an uploaded history (API.md 19): a Letterboxd ZIP or one of its CSV files, or an IMDb ratings CSV.

The format is recognised from the header row (columns by name, in any order). Files are decoded as strict UTF-8
(a BOM is skipped) and parsed with the `csv` module as they stream out of the upload or the ZIP: a member is never
read past its cap, whatever its declared size says, and parsing stops at the first row past the limit. Anything
that cannot be read (a corrupt ZIP, a bad encoding, a NUL byte) is the same 400 as an unrelated file.
"""

from __future__ import annotations

import csv
import io
import math
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import IO

from moviesx.http.errors import error

LETTERBOXD = "letterboxd"
IMDB = "imdb"

DIARY, RATINGS, WATCHED, WATCHLIST = "diary", "ratings", "watched", "watchlist"
ZIP_ORDER = (DIARY, RATINGS, WATCHED, WATCHLIST)  # "file order" across a ZIP

MAX_ROWS = 50_000
MAX_MEMBER_BYTES = 50 * 1024 * 1024
CHUNK = 64 * 1024

UNRECOGNISED = "Unrecognised file: expected a Letterboxd or IMDb export"
TOO_LARGE = "File is too large"

_LETTERBOXD_COLUMNS = frozenset({"Date", "Name", "Year", "Letterboxd URI"})
_IMDB_COLUMNS = frozenset({"Const", "Your Rating", "Date Rated", "Title", "Year"})
_COLUMNS = {  # what each Letterboxd file needs besides the common columns
    DIARY: frozenset({"Watched Date"}),
    RATINGS: frozenset({"Rating"}),
    WATCHED: frozenset(),
    WATCHLIST: frozenset(),
}
_YEAR = re.compile(r"\d{1,4}")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# How reading a damaged ZIP or CSV fails: bad structure, data or encoding (ValueError, UnicodeError), offsets that
# point outside the file (ValueError, OSError), encrypted members (RuntimeError), unsupported compression.
_READ_FAILURES = (
    zipfile.BadZipFile,
    zlib.error,
    csv.Error,
    ValueError,
    EOFError,
    OSError,
    NotImplementedError,
    RuntimeError,
    struct.error,
)


@dataclass(frozen=True, slots=True)
class Row:
    """One data row, reduced to what an import uses: `rating` is already on the 1..5 scale (None when blank or
    unreadable), `watched_on` is set for diary rows with a readable `Watched Date`."""

    kind: str
    title: str
    year: int | None
    rating: int | None = None
    watched_on: date | None = None


@dataclass(frozen=True, slots=True)
class History:
    format: str
    rows: list[Row]  # in file order (a ZIP's files in ZIP_ORDER)


class Unreadable(Exception):
    """The upload is not a history this module can read; `message` is the contract's 400."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def read_history(stream: IO[bytes], filename: str) -> History:
    """Parse an upload; raise the contract's 400 when it is unrecognised or too large."""
    try:
        return _read(stream, filename)
    except Unreadable as exc:
        raise error(400, exc.message) from None


def _read(stream: IO[bytes], filename: str) -> History:
    counter = _RowCounter()
    if stream.read(4) in _ZIP_MAGIC:
        stream.seek(0)
        return History(LETTERBOXD, _read_zip(stream, counter))
    stream.seek(0)
    with _unreadable_on_failure():
        table = _Table(_Capped(stream, MAX_MEMBER_BYTES), counter)
        kind = _recognise(table.columns, filename)
        if kind == IMDB:
            return History(IMDB, list(_imdb_rows(table)))
        return History(LETTERBOXD, list(_letterboxd_rows(table, kind)))


def _read_zip(stream: IO[bytes], counter: _RowCounter) -> list[Row]:
    with _unreadable_on_failure(), zipfile.ZipFile(stream) as archive:
        members: dict[str, zipfile.ZipInfo] = {}
        for info in archive.infolist():
            kind = info.filename.removesuffix(".csv") if info.filename.endswith(".csv") else None
            if kind in ZIP_ORDER and kind not in members:
                members[kind] = info
        if not members:
            raise Unreadable(UNRECOGNISED)
        if any(info.file_size > MAX_MEMBER_BYTES for info in members.values()):
            raise Unreadable(TOO_LARGE)  # the declared size; the stream is capped too, as it may lie
        rows: list[Row] = []
        for kind in ZIP_ORDER:
            if kind in members:
                with archive.open(members[kind]) as member:
                    table = _Table(_Capped(member, MAX_MEMBER_BYTES), counter)
                    if not _is_letterboxd(table.columns, kind):
                        raise Unreadable(UNRECOGNISED)
                    rows.extend(_letterboxd_rows(table, kind))
        return rows


class _unreadable_on_failure:  # noqa: N801 - used as a context manager
    """Turn the ways a ZIP or a CSV fails to read into the unrecognised-file answer."""

    def __enter__(self) -> None:
        return None

    def __exit__(self, exc_type, exc, tb) -> bool:
        if exc_type is not None and issubclass(exc_type, _READ_FAILURES):
            raise Unreadable(UNRECOGNISED) from None
        return False


def _recognise(columns: frozenset[str], filename: str) -> str:
    """The kind of a single uploaded CSV, from its header (API.md 19)."""
    if _IMDB_COLUMNS <= columns:
        return IMDB
    if not _LETTERBOXD_COLUMNS <= columns:
        raise Unreadable(UNRECOGNISED)
    if "Watched Date" in columns:
        return DIARY
    if "Rating" in columns:
        return RATINGS
    return WATCHLIST if WATCHLIST in filename.lower() else WATCHED


def _is_letterboxd(columns: frozenset[str], kind: str) -> bool:
    return _LETTERBOXD_COLUMNS | _COLUMNS[kind] <= columns


def _letterboxd_rows(table: _Table, kind: str) -> Iterator[Row]:
    for record in table:
        rating = _half_stars(record.get("Rating", "")) if kind in (DIARY, RATINGS) else None
        watched_on = _date(record.get("Watched Date", "")) if kind == DIARY else None
        yield Row(kind, record["Name"].strip(), _year(record["Year"]), rating, watched_on)


def _imdb_rows(table: _Table) -> Iterator[Row]:
    for record in table:
        yield Row(RATINGS, record["Title"].strip(), _year(record["Year"]), _ten_point(record["Your Rating"]))


def _year(text: str) -> int | None:
    text = text.strip()
    return int(text) if _YEAR.fullmatch(text) and int(text) > 0 else None


def _date(text: str) -> date | None:
    text = text.strip()
    if not _DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def _decimal(text: str) -> Decimal | None:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _half_stars(text: str) -> int | None:
    """Letterboxd's 0.5-5 in half stars, rounded half up (0.5 -> 1, 2.5 -> 3); None when blank or unreadable."""
    value = _decimal(text)
    if value is None or not Decimal("0.5") <= value <= 5 or (value * 2) % 1:
        return None
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _ten_point(text: str) -> int | None:
    """IMDb's 1-10 as ceil(r / 2); None when blank or unreadable."""
    value = _decimal(text)
    if value is None or not 1 <= value <= 10:
        return None
    return math.ceil(value / 2)


class _RowCounter:
    """Data rows read across every file of one upload; past MAX_ROWS the upload is too large."""

    def __init__(self) -> None:
        self.rows = 0

    def count(self) -> None:
        self.rows += 1
        if self.rows > MAX_ROWS:
            raise Unreadable(TOO_LARGE)


class _Table:
    """A CSV file as records keyed by column name: the header is its first non-blank row; rows whose cells are all
    blank are skipped (they are no data); short rows read as blank cells."""

    def __init__(self, raw: io.RawIOBase, counter: _RowCounter):
        text = io.TextIOWrapper(io.BufferedReader(raw, CHUNK), encoding="utf-8-sig", errors="strict", newline="")
        self._reader = csv.reader(text, strict=False)
        self._counter = counter
        header = next((row for row in self._reader if _has_data(row)), None)
        if header is None:
            raise Unreadable(UNRECOGNISED)
        self._names = [name.strip() for name in header]
        self.columns = frozenset(self._names)

    def __iter__(self) -> Iterator[dict[str, str]]:
        width = len(self._names)
        for row in self._reader:
            if not _has_data(row):
                continue
            self._counter.count()
            cells = row + [""] * (width - len(row))
            yield dict(zip(reversed(self._names), reversed(cells[:width]), strict=True))  # (first of twin columns wins)


def _has_data(row: list[str]) -> bool:
    return any(cell.strip() for cell in row)


class _Capped(io.RawIOBase):
    """A byte stream read through a cap: past `limit` bytes the file is too large; a NUL byte makes it unreadable
    (no text export holds one)."""

    def __init__(self, source: IO[bytes], limit: int):
        super().__init__()
        self._source = source
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._source.read(min(len(buffer), self._left + 1))
        self._left -= len(data)
        if self._left < 0:
            raise Unreadable(TOO_LARGE)
        if b"\0" in data:
            raise Unreadable(UNRECOGNISED)
        buffer[: len(data)] = data
        return len(data)
