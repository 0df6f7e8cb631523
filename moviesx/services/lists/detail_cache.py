"""A list's detail (GET /api/movies-lists/<username>/<slug>/, API.md 5.4) served from its cached representation.

The MovieList body is cached under the path (owner's username and slug), the language and the URL root
(`catalog.representations`), with the facts that decide who may see it: the owner's and the list's ids and the
list's privacity. It is stamped with the catalogue token (every movie's slug and liveness), the owner's profile token
(`models.feed.PROFILE`: their username, deactivation and deletion) and the list's token (`models.feed.LIST`: its row
and items: name, slug, privacity, description, membership, order, deletion). A hit reads the entry with the catalogue
token, then the two tokens the entry names (two round trips); a current stamp proves the body and the facts current
and that the path still names that list of that active owner. Visibility is decided on every request from those
facts (API.md 6.2): the owner sees the list, anyone a `P` list, a friend of the owner an `F` list (friendship is read
from the database on each request: it can end at any moment), nobody else; otherwise the privacy 404 as on a miss.

A miss resolves the owner and the list as before (the generic 404 `User`, the privacy 404), reads the tokens, then
reads the list, its owner and its movies afresh (`populate_existing`) and stores the body with that stamp, unless
the path no longer names that list of an active owner (renamed or deactivated in between: answered, not stored).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import select

from moviesx.extensions import db
from moviesx.http.conditional import Representation, json_bytes
from moviesx.models import MovieList
from moviesx.models.feed import LIST, PROFILE
from moviesx.schemas.lists import MovieListSchema
from moviesx.services.catalog import representations
from moviesx.services.feed.tokens import CATALOG_TOKEN_KEY, owned_token_key
from moviesx.services.lists.privacy import FRIENDS_SEE, list_load_options, not_visible
from moviesx.services.social.friends import are_friends


@dataclass(frozen=True)
class ListFacts:
    """What decides who may see a cached list (its owner is active: an entry is stored for active owners only)."""

    owner_id: int
    list_id: int
    privacity: str

    def token_keys(self) -> tuple[str, ...]:
        return (CATALOG_TOKEN_KEY, owned_token_key(PROFILE, self.owner_id), owned_token_key(LIST, self.list_id))


def list_detail(viewer_id: int, username: str, slug: str, resolve: Callable[[], MovieList]) -> Representation:
    """The body of `username`'s list `slug` when `viewer_id` may see it; `resolve()` looks the list up in the database
    with the blueprint's checks (its 404s) on a miss."""
    key = representations.entry_key("list", f"{username}/{slug}")
    catalog_token, (entry,) = representations.read_stamped([key], (CATALOG_TOKEN_KEY,))
    if catalog_token is not None and _well_formed(entry):
        facts, stamped = entry
        stamp, _ = representations.read_stamped([], facts.token_keys())
        if representations.is_current(stamped, stamp):
            if not _may_see(viewer_id, facts):
                raise not_visible()
            return Representation(stamped[1], stamped[2])
    return _compute(key, resolve(), (username, slug))


def _compute(key: str, movie_list: MovieList, path: tuple[str, str]) -> Representation:
    facts = ListFacts(movie_list.user_id, movie_list.id, movie_list.privacity)
    token_keys = facts.token_keys()
    stamp, _ = representations.read_stamped([], token_keys)
    stamp = representations.stamp_for_storing(stamp, token_keys)
    movie_list = _fresh(movie_list.id)  # after the stamp: the rows the body shows, owner and movies included
    representation = Representation.of(json_bytes(MovieListSchema().dump(movie_list)))
    if movie_list.user.is_active and (movie_list.user.username, movie_list.slug) == path:  # (not renamed meanwhile)
        stored = ListFacts(movie_list.user_id, movie_list.id, movie_list.privacity)
        representations.store({key: (stored, (stamp, representation.body, representation.etag))}, stamp)
    return representation


def _fresh(list_id: int) -> MovieList:
    """The list read now with what its body shows; deleted since it was resolved: the privacy 404, as if missing."""
    statement = select(MovieList).where(MovieList.id == list_id).options(*list_load_options())
    movie_list = db.session.scalars(statement.execution_options(populate_existing=True)).one_or_none()
    if movie_list is None:
        raise not_visible()
    return movie_list


def _well_formed(entry) -> bool:
    return isinstance(entry, tuple) and len(entry) == 2 and isinstance(entry[0], ListFacts)


def _may_see(viewer_id: int, facts: ListFacts) -> bool:
    """API.md 6.2 for an active owner (privacy.visible_privacities), the friendship read now."""
    if viewer_id == facts.owner_id or facts.privacity == "P":
        return True
    return facts.privacity in FRIENDS_SEE and are_friends(viewer_id, facts.owner_id)
