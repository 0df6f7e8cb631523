"""Matching imported rows to movies by title and year (API.md 19).

A live movie matches when its base title, or one of its translated titles, equals the row's title once both are
normalised (`NFKC(casefold(text))`, trimmed, each run of whitespace one space), and its release year equals the
row's year, or, when no movie of that title has that year, differs from it by one. Among several, the most popular
wins, then the lowest id. The normalisation is Unicode's, which no database offers alike, so the catalogue's titles
are read once per import and only those some row asks for are kept.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import Movie, MovieTranslation
from moviesx.services.portability.formats import Row

_WHITESPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _WHITESPACE.sub(" ", unicodedata.normalize("NFKC", text.casefold()).strip())


@dataclass(frozen=True, slots=True)
class _Candidate:
    year: int
    popularity: float
    movie_id: int

    def rank(self) -> tuple[float, int]:
        return (-self.popularity, self.movie_id)


class Catalogue:
    """The live movies whose titles some of the wanted titles name, by normalised title."""

    def __init__(self, wanted_titles: Iterable[str]):
        wanted = {normalise(title) for title in wanted_titles}
        movies = {
            movie_id: (title, released, popularity)
            for movie_id, title, released, popularity in db.session.execute(
                select(Movie.id, Movie.title, Movie.release_date, Movie.popularity)
            )
        }
        titles = [(movie_id, title) for movie_id, (title, _released, _popularity) in movies.items()]
        titles.extend(
            db.session.execute(select(MovieTranslation.movie_id, MovieTranslation.title).where(MovieTranslation.title != ""))
        )
        self._by_title: dict[str, dict[int, _Candidate]] = {}
        for movie_id, title in titles:
            key = normalise(title)
            if key in wanted and movie_id in movies:  # (a translation of a deleted movie has no live movie)
                _title, released, popularity = movies[movie_id]
                self._by_title.setdefault(key, {})[movie_id] = _Candidate(released.year, popularity, movie_id)
        self._matches: dict[tuple[str, int], int | None] = {}

    def match(self, title: str, year: int | None) -> int | None:
        """The id of the movie a row names, or None (a row without a readable year never matches)."""
        if year is None:
            return None
        key = (normalise(title), year)
        if key not in self._matches:
            self._matches[key] = self._best(*key)
        return self._matches[key]

    def _best(self, title: str, year: int) -> int | None:
        candidates = self._by_title.get(title, {}).values()
        chosen = [candidate for candidate in candidates if candidate.year == year]
        if not chosen:
            chosen = [candidate for candidate in candidates if abs(candidate.year - year) == 1]
        return min(chosen, key=_Candidate.rank).movie_id if chosen else None


def match_rows(rows: Sequence[Row]) -> list[int | None]:
    """The movie id each row names (None when it names none), in row order."""
    catalogue = Catalogue(row.title for row in rows if row.year is not None)
    return [catalogue.match(row.title, row.year) for row in rows]
