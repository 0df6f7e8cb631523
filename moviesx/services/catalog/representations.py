"""The public catalogue's bodies (API.md 4, 5.3-5.7) serialised once and cached until the catalogue changes.

An entry holds the JSON bytes of one object or listing and its entity tag, under a key naming everything else the
body depends on: the kind and path value, the active language and the URL root (scheme, host and port) its URLs are
built from. It is stamped with the catalogue token (`feed.tokens`), which every catalogue write replaces after its
commit (`feed.invalidation`: every catalogue table declares the EVERYONE scope), so an entry is current exactly while
its stamp is the token. The stamp is read before the database: an entry computed from rows older than a commit
carries a token that commit has since replaced (PostgreSQL under read committed and SQLite through pysqlite, which
opens no transaction for reads, both take a fresh snapshot per statement). A hit costs one cache round trip (entry
and token together) and no SQL; a miss reads, serialises and stores. A current entry also proves its path object is
live: a soft delete is a catalogue write.

After a failed cache call no entry is served or stored until the catalogue token has been replaced, exactly as for
the feed (`feed.tokens.trusted`), so that entries that outlived a missed invalidation die. CATALOG_CACHE_SECONDS
bounds an entry's life (the window left if a process dies between a commit and its invalidation); 0 turns it off.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from flask import current_app, request
from sqlalchemy import select

from moviesx.extensions import cache, db
from moviesx.http.conditional import Representation, json_bytes, tag_of
from moviesx.http.language import active_language
from moviesx.http.lookup import get_or_404
from moviesx.models import Award, Genre, Movie, Person, Platform
from moviesx.schemas.catalog.items import (
    AwardSchema,
    GenreSchema,
    MovieSchema,
    PersonSchema,
    PlatformSchema,
    movie_load_options,
    person_load_options,
)
from moviesx.services.feed.tokens import CATALOG_TOKEN_KEY, cache_failed, catalog_copies_usable, new_token, read_in_request
from moviesx.services.local_copies import LocalCopies, local_copies

ENTRY_KEY = "catalog:v1:{}:{}:{}:{}"  # kind, language, URL root, path value; bump when a body's shape changes
Stamped = tuple[Any, bytes, str]  # (catalogue token, or a tuple of tokens (`cached`), body, tag): what the cache holds
# Entries this process read or stored, kept beside the shared cache: the same stamped tuples under the same keys, so
# a request that already holds the catalogue token (the authentication ladder reads it with the caller's facts) is
# answered without another cache round trip. Bounded in count (bodies are a few KB: at most tens of MB per process)
# and in age (CATALOG_CACHE_SECONDS, like the shared entries).
LOCAL_ENTRIES = 4096


def movie(slug: str) -> Representation:
    """GET /api/movies/<slug>/: a live movie (the generic 404 otherwise)."""
    return _current("movie", slug, lambda: MovieSchema().dump(get_or_404(Movie, Movie.slug, slug, options=movie_load_options())))


def person(slug: str) -> Representation:
    """GET /api/persons/<slug>/: a live person with their awards."""
    return _current(
        "person", slug, lambda: PersonSchema().dump(get_or_404(Person, Person.slug, slug, options=person_load_options()))
    )


def award(slug: str) -> Representation:
    """GET /api/awards/<slug>/: a live award."""
    return _current("award", slug, lambda: AwardSchema().dump(get_or_404(Award, Award.slug, slug)))


def genres() -> Representation:
    """GET /api/genres/: every live genre, by id."""
    return _current("genres", "", lambda: GenreSchema(many=True).dump(db.session.scalars(select(Genre).order_by(Genre.id))))


def platforms() -> Representation:
    """GET /api/platforms/: every live platform, by id."""
    return _current(
        "platforms", "", lambda: PlatformSchema(many=True).dump(db.session.scalars(select(Platform).order_by(Platform.id)))
    )


def search_page(compute: Callable[[], bytes]) -> bytes:
    """A page of the movie search whose filters read only the catalogue: the same for every caller, so cached under
    the query string (filters, page and limit), the language its titles are matched and written in, and the host."""
    return _current("movie-search", tag_of(request.query_string), compute).body


def movie_bodies(movie_ids: Sequence[int]) -> list[bytes]:
    """The Movie bodies of `movie_ids` in order (a movie deleted meanwhile is left out): cached ones in one round trip,
    the others loaded together (a constant number of queries) and stored."""
    keys = dict(zip(movie_ids, entry_keys("movie-id", movie_ids), strict=True))
    token, found = _read(list(keys.values()))
    bodies = {movie_id: stamped[1] for movie_id, stamped in zip(movie_ids, found, strict=True) if is_current(stamped, token)}
    missing = [movie_id for movie_id in movie_ids if movie_id not in bodies]
    if missing:
        token = stamp_for_storing(token)
        loaded = db.session.scalars(select(Movie).where(Movie.id.in_(missing)).options(*movie_load_options())).all()
        fresh = {row.id: json_bytes(MovieSchema().dump(row)) for row in loaded}
        bodies.update(fresh)
        _store({keys[movie_id]: (token, body, "") for movie_id, body in fresh.items()}, token)
    return [bodies[movie_id] for movie_id in movie_ids if movie_id in bodies]


def _current(kind: str, value: str, body: Callable[[], Any]) -> Representation:
    """The cached body of `kind`/`value` while current, else `body()` (JSON bytes, or data to serialise) stored."""
    key = entry_key(kind, value)
    token, (stamped,) = _read([key])
    return _served(key, stamped, token, None, body)


def cached(key: str, token_keys: Sequence[str], body: Callable[[], Any]) -> Representation:
    """The body cached under `key` while its stamp is the current value of every token of `token_keys` (read in one
    round trip with it), else `body()` stored under them: for bodies that other tokens guard besides the catalogue's
    (`feed.tokens.owned_token_key`), which the caller lists with CATALOG_TOKEN_KEY. Shared cache only."""
    stamp, (stamped,) = read_stamped([key], token_keys)
    return _served(key, stamped, stamp, token_keys, body)


def _served(key: str, stamped, stamp: Any, token_keys: Sequence[str] | None, body: Callable[[], Any]) -> Representation:
    """The entry read under `key` when `stamp` proves it current; else `body()`, stored under a stamp taken before it
    runs (catalogue entries also in this process's copies, `token_keys` ones in the shared cache only)."""
    if is_current(stamped, stamp):
        return Representation(stamped[1], stamped[2])
    stamp = stamp_for_storing(stamp, token_keys)
    computed = body()
    representation = Representation.of(computed if isinstance(computed, bytes) else json_bytes(computed))
    _store({key: (stamp, representation.body, representation.etag)}, stamp, local=token_keys is None)
    return representation


def entry_key(kind: str, value: Any) -> str:
    return entry_keys(kind, [value])[0]


def entry_keys(kind: str, values: Sequence[Any]) -> list[str]:
    """`entry_key()` of each value (the language and URL root are read once: werkzeug builds `host_url` anew on
    every access)."""
    language, root = active_language(), request.host_url
    return [ENTRY_KEY.format(kind, language, root, value) for value in values]


def _local() -> LocalCopies:
    return local_copies("catalog", LOCAL_ENTRIES, current_app.config["CATALOG_CACHE_SECONDS"])


def _read(keys: list[str]) -> tuple[str | None, list]:
    """(catalogue token, entries of `keys`); (None, Nones) when the cache is off or not trusted. When this request has
    read the token already, the entries this process holds under it cost no round trip; the others cost one (with the
    token, when it was not read yet)."""
    if not catalog_copies_usable():
        return None, [None] * len(keys)
    token = read_in_request(CATALOG_TOKEN_KEY)
    entries = _local().get(keys) if token is not None else [None] * len(keys)
    missing = [position for position, stamped in enumerate(entries) if not is_current(stamped, token)]
    if not missing:
        return token, entries
    try:
        if token is None:  # then every position is missing
            token, *fetched = cache.get_many(CATALOG_TOKEN_KEY, *keys)
        else:
            fetched = cache.get_many(*(keys[position] for position in missing))
    except Exception as exc:  # noqa: BLE001 - computed from the database instead
        cache_failed(exc)
        return None, [None] * len(keys)
    for position, stamped in zip(missing, fetched, strict=True):
        entries[position] = stamped
    _local().put({keys[position]: entries[position] for position in missing if is_current(entries[position], token)})
    return token, entries


def read_stamped(keys: list[str], token_keys: Sequence[str]) -> tuple[Any, list]:
    """(stamp of `token_keys`, entries of `keys`) in one round trip to the shared cache; (None, Nones) when the cache
    is off or not trusted. The stamp is the tuple of the tokens, None when one is missing."""
    if catalog_copies_usable():
        try:
            values = cache.get_many(*token_keys, *keys)
            tokens = values[: len(token_keys)]
            return (None if None in tokens else tuple(tokens)), values[len(token_keys) :]
        except Exception as exc:  # noqa: BLE001 - computed from the database instead
            cache_failed(exc)
    return None, [None] * len(keys)


def is_current(stamped: Stamped | None, token: Any) -> bool:
    return token is not None and isinstance(stamped, tuple) and len(stamped) == 3 and stamped[0] == token


def stamp_for_storing(token: Any, token_keys: Sequence[str] | None = None) -> Any:
    """The stamp for what is about to be read from the database: the one just read, or new tokens where the cache
    holds none yet (never trained, evicted, cleared): the catalogue token, or the tuple of `token_keys`' tokens;
    None when nothing may be stored."""
    if token is not None or not catalog_copies_usable():
        return token
    try:
        if token_keys is None:
            return new_token(CATALOG_TOKEN_KEY)
        tokens = tuple(new_token(key) for key in token_keys)
        return None if None in tokens else tokens
    except Exception as exc:  # noqa: BLE001
        cache_failed(exc)
        return None


def _store(entries: dict[str, Stamped], token: Any, *, local: bool = True) -> None:
    if token is None or not entries:
        return
    try:
        cache.set_many(entries, timeout=current_app.config["CATALOG_CACHE_SECONDS"])
    except Exception as exc:  # noqa: BLE001 - the answer is computed; the next request computes it again
        cache_failed(exc)
        return
    if local:
        _local().put(entries)


def store(entries: dict[str, Any], stamp: Any) -> None:
    """Store entries stamped with several tokens in the shared cache (this process keeps catalogue entries only): with
    `entry_key`, `read_stamped`, `is_current` and `stamp_for_storing`, the mechanism for another domain's entries whose
    tokens the entry itself names (services.lists.detail_cache)."""
    _store(entries, stamp, local=False)
