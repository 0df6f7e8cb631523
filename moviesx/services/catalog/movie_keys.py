"""A live movie's key (id and slug) by its slug, for writes that need no more of the movie their path names (the
rating PUT): without a database round trip when this process has resolved that slug under the current catalogue
token.

Each process keeps the ids it read, stamped with the catalogue token read before them. Every catalogue write (a movie
created, soft-deleted or given another slug) replaces that token after its commit, so a kept id is the live movie of
that slug exactly while its stamp is the token this request read with the caller's facts (`feed.tokens.
read_in_request`). Without such a token (catalogue cache off or not trusted, no facts read from the cache) the
slug is looked up in the database each time.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from sqlalchemy import select

from moviesx.extensions import db
from moviesx.http.errors import NotFound
from moviesx.models import INCLUDE_DELETED, Movie
from moviesx.services.feed.tokens import CATALOG_TOKEN_KEY, catalog_copies_usable, read_in_request
from moviesx.services.local_copies import LocalCopies, local_copies

LOCAL_SLUGS = 65_536  # ids kept per process (a slug and an id each: a few MB at most)


@dataclass(frozen=True)
class MovieKey:
    id: int
    slug: str


def live_movie_key(slug: str) -> MovieKey:
    """The live movie of `slug` (the generic 404 otherwise)."""
    token = read_in_request(CATALOG_TOKEN_KEY) if catalog_copies_usable() else None
    if token is not None:
        (kept,) = _kept().get([slug])
        if kept is not None and kept[0] == token:
            return kept[1]
    movie_id = db.session.scalar(
        select(Movie.id).where(Movie.slug == slug, Movie.deleted_at.is_(None)), execution_options={INCLUDE_DELETED: True}
    )
    if movie_id is None:
        raise NotFound("Movie", slug)
    key = MovieKey(movie_id, slug)
    if token is not None:
        _kept().put({slug: (token, key)})
    return key


def _kept() -> LocalCopies:
    return local_copies("movie_keys", LOCAL_SLUGS, current_app.config["CATALOG_CACHE_SECONDS"])
