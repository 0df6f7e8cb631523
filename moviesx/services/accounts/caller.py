"""The facts of the caller that the authentication ladder reads (API.md 2.2), without a database round trip when safe.

Steps 2-5 of the ladder and the active language need five facts of the user a token names: active, verified, staff,
the time of the last password change and the preferred language; the username comes with them, for answers that name
the caller (the rating PUT's). They are cached per user (AUTH_CACHE_SECONDS,
default 600; 0 turns the cache off) stamped with that user's profile token (`models.feed.PROFILE`) and the catalogue
token (`feed.tokens`). Every commit that changes the user's row replaces the user's profile token (the row's
`cache_tokens`; deactivation from the CLI, a password change or reset, a verification, a deletion included), and a
write whose rows are unknown (a bulk statement that does not name them) replaces the catalogue token, so an entry
stored before such a commit is never used after it. The profile token, not the feed token: a rating or any other
write that changes only the user's feed leaves the facts current. The tokens
are read before the database, as for the feed cache: an entry computed from a row older than a commit carries a
token that the commit has since replaced. While the cache cannot be trusted (a failed call, API.md 21) or reached,
the facts come from the database.

A view that needs the whole row asks `load_user()` once: the facts alone never stand in for a `User`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app, g

from moviesx.extensions import cache, db
from moviesx.models import User
from moviesx.models.feed import PROFILE
from moviesx.services.feed.tokens import (
    CATALOG_TOKEN_KEY,
    cache_failed,
    new_token,
    note_read,
    owned_token_key,
    trusted,
)

FACTS_KEY = "auth:facts:v3:{}"  # bump the version when CallerFacts changes shape


@dataclass(frozen=True)
class CallerFacts:
    id: int
    username: str
    is_active: bool
    verified: bool
    is_staff: bool
    password_changed_at: datetime | None
    preferred_language: str

    @classmethod
    def of(cls, user: User) -> CallerFacts:
        return cls(
            user.id,
            user.username,
            user.is_active,
            user.verified,
            user.is_staff,
            user.password_changed_at,
            user.preferred_language,
        )


def facts_of(user_id: int) -> CallerFacts | None:
    """The ladder's facts of user `user_id` (None when no such user exists): from the cache while its stamp is
    current, else from the database (and then cached)."""
    if not -(2**63) <= user_id <= 2**63 - 1:
        return None  # an id outside the database integer range names nobody
    seconds = current_app.config["AUTH_CACHE_SECONDS"]
    if seconds <= 0 or not trusted():
        return _from_database(user_id)
    user_key = owned_token_key(PROFILE, user_id)
    try:
        entry, user_token, catalog_token = cache.get_many(FACTS_KEY.format(user_id), user_key, CATALOG_TOKEN_KEY)
        note_read({user_key: user_token, CATALOG_TOKEN_KEY: catalog_token})  # read before this request's database
        if _current(entry, user_token, catalog_token):
            return entry[1]
        user_token = user_token or new_token(user_key)
        catalog_token = catalog_token or new_token(CATALOG_TOKEN_KEY)
    except Exception as exc:  # noqa: BLE001 - the database answers instead
        cache_failed(exc)
        return _from_database(user_id)
    facts = _from_database(user_id)
    if facts is not None and user_token and catalog_token:
        try:
            cache.set(FACTS_KEY.format(user_id), ((user_token, catalog_token), facts), timeout=seconds)
        except Exception as exc:  # noqa: BLE001
            cache_failed(exc)
    return facts


def load_user(user_id: int) -> User | None:
    """The caller's whole row, for the views that need more than the facts."""
    return db.session.get(User, user_id)


def _from_database(user_id: int) -> CallerFacts | None:
    user = db.session.get(User, user_id)
    g.caller_row = user  # the session holds rows weakly: kept, it is the row `load_user()` gets, without a statement
    return None if user is None else CallerFacts.of(user)


def _current(entry, user_token: str | None, catalog_token: str | None) -> bool:
    return (
        isinstance(entry, tuple)
        and len(entry) == 2
        and isinstance(entry[1], CallerFacts)
        and None not in (user_token, catalog_token)
        and entry[0] == (user_token, catalog_token)
    )
