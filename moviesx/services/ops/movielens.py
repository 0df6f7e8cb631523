"""MovieLens-100k reading (API.md 10.3) in its classic (`u.data`, `u.item`, `u.genre`) or atomic
(`<name>.inter`, `<name>.item`, typed headers) layout.

Reading is separate from writing: `read_dataset` gives plain records without touching the database;
`movielens_import.import_dataset` writes them.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

_TITLE_YEAR = re.compile(r"\s*\((\d{4})\)\s*$")
_ANY_YEAR = re.compile(r"\((\d{4})\)")
_MONTHS = {m: i for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1)}


class MovieLensError(Exception):
    """The directory does not hold a readable MovieLens dataset."""


@dataclass
class MLMovie:
    item_id: int
    title: str
    release_date: date | None
    genres: list[str]


@dataclass
class MLRating:
    user_id: int
    item_id: int
    rating: float
    timestamp: int


@dataclass
class Dataset:
    layout: str
    genres: list[str]
    movies: list[MLMovie]
    users: list[int]
    ratings: list[MLRating]


def read_dataset(directory: str | Path) -> Dataset:
    """Detect the layout (classic first, then atomic) and read genres, movies, users and ratings."""
    root = Path(directory)
    if not root.is_dir():
        raise MovieLensError(f"{root}: not a directory")
    if (root / "u.data").is_file() and (root / "u.item").is_file():
        return _read_classic(root)
    inter = sorted(root.glob("*.inter"))
    for path in inter:
        item = path.with_suffix(".item")
        if item.is_file():
            return _read_atomic(path, item, path.with_suffix(".user"))
    raise MovieLensError(f"{root}: no MovieLens-100k data (u.data + u.item, or <name>.inter + <name>.item)")


def split_title(raw: str) -> tuple[str, int | None]:
    """The title without a trailing ` (YYYY)`, and the year found in the title (if any)."""
    raw = raw.strip()
    match = _TITLE_YEAR.search(raw)
    title = raw[: match.start()].strip() if match else raw
    year = _ANY_YEAR.findall(raw)
    return title or raw, int(year[-1]) if year else None


def parse_classic_date(value: str) -> date | None:
    """`01-Jan-1995` -> date(1995, 1, 1)."""
    parts = value.strip().split("-")
    if len(parts) != 3 or parts[1].lower() not in _MONTHS:
        return None
    try:
        return date(int(parts[2]), _MONTHS[parts[1].lower()], int(parts[0]))
    except ValueError:
        return None


def _year_date(year) -> date | None:
    try:
        number = int(float(year))
    except (TypeError, ValueError):
        return None
    return date(number, 1, 1) if 1 <= number <= 9999 else None


def _read_classic(root: Path) -> Dataset:
    genre_names: dict[int, str] = {}
    genre_file = root / "u.genre"
    if genre_file.is_file():
        for line in genre_file.read_text("latin-1").splitlines():
            if "|" in line:
                name, _, index = line.rpartition("|")
                if index.strip().isdigit():
                    genre_names[int(index)] = name.strip()
    ordered_genres = [genre_names[i] for i in sorted(genre_names)]
    movies = []
    for line in (root / "u.item").read_text("latin-1").splitlines():
        parts = line.split("|")
        if len(parts) < 5 or not parts[0].strip().isdigit():
            continue
        title, title_year = split_title(parts[1])
        released = parse_classic_date(parts[2]) or _year_date(title_year)
        flags = parts[5:]
        genres = [ordered_genres[i] for i, flag in enumerate(flags) if flag.strip() == "1" and i < len(ordered_genres)]
        movies.append(MLMovie(int(parts[0]), title, released, genres))
    ratings = []
    with open(root / "u.data", encoding="latin-1") as handle:
        for line in handle:
            parts = line.split()
            if len(parts) >= 4:
                ratings.append(MLRating(int(parts[0]), int(parts[1]), float(parts[2]), int(float(parts[3]))))
    users = {r.user_id for r in ratings}
    user_file = root / "u.user"
    if user_file.is_file():
        for line in user_file.read_text("latin-1").splitlines():
            head = line.split("|", 1)[0].strip()
            if head.isdigit():
                users.add(int(head))
    return Dataset("classic", ordered_genres, movies, sorted(users), ratings)


def _atomic_rows(path: Path):
    with open(path, encoding="utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader, None)
        if header is None:
            return
        names = [column.split(":", 1)[0].strip() for column in header]
        for row in reader:
            if row:
                yield dict(zip(names, row, strict=False))


def _read_atomic(inter: Path, item: Path, user: Path) -> Dataset:
    movies, seen_genres = [], {}
    for row in _atomic_rows(item):
        item_id = (row.get("item_id") or "").strip()
        if not item_id.isdigit():
            continue
        title, title_year = split_title(row.get("movie_title") or "")
        released = _year_date((row.get("release_year") or "").strip()) or _year_date(title_year)
        genres = (row.get("class") or "").split()
        for genre in genres:
            seen_genres.setdefault(genre, None)
        movies.append(MLMovie(int(item_id), title, released, genres))
    ratings = []
    for row in _atomic_rows(inter):
        try:
            ratings.append(MLRating(int(row["user_id"]), int(row["item_id"]), float(row["rating"]), int(float(row["timestamp"]))))
        except (KeyError, ValueError):
            continue
    users = {r.user_id for r in ratings}
    if user.is_file():
        users.update(int(row["user_id"]) for row in _atomic_rows(user) if (row.get("user_id") or "").isdigit())
    return Dataset("atomic", list(seen_genres), movies, sorted(users), ratings)
