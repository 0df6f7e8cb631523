"""Which cached feeds a write to a table changes, declared next to the table itself.

Every mapped class carries a `feed_scope` class attribute and every association table a `FEED_SCOPE` entry in its
`info`, so that a new table cannot skip feed invalidation unnoticed (tests/models/test_feed_scopes.py checks every
table of the metadata); `moviesx.services.feed.invalidation` reads these declarations when a transaction writes.
A table whose rows other cached bodies show also declares the per-row tokens its writes replace (`cache_tokens`, or
a `CACHE_TOKENS` entry in an association table's `info`), read by the same listeners.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from sqlalchemy import FromClause

from moviesx.extensions import db

FEED_SCOPE = "feed_scope"  # the key of an association table's declaration in `Table.info`


class FeedReach(enum.Enum):
    NONE = "none"  # no feed reads these rows
    OWNER = "owner"  # the feeds of the users the owner columns name
    FRIENDS_OF_OWNER = "friends_of_owner"  # those feeds and the owners' friends' (a rating moves their boosts)
    EVERYONE = "everyone"  # every feed: the catalogue token


@dataclass(frozen=True)
class FeedScope:
    """What a write to one table changes. `owners` names the columns holding the users whose feeds change (a write
    whose owners are unknown changes every feed); a change to a column in `friends_when_changed` also reaches the
    owners' friends."""

    reach: FeedReach
    owners: tuple[str, ...] = ()
    friends_when_changed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        per_user = self.reach in (FeedReach.OWNER, FeedReach.FRIENDS_OF_OWNER)
        if per_user != bool(self.owners) or (self.friends_when_changed and self.reach is not FeedReach.OWNER):
            raise ValueError(f"inconsistent feed scope {self!r}")

    @classmethod
    def none(cls) -> FeedScope:
        return cls(FeedReach.NONE)

    @classmethod
    def everyone(cls) -> FeedScope:
        return cls(FeedReach.EVERYONE)

    @classmethod
    def owner(cls, *owners: str, friends_when_changed: tuple[str, ...] = ()) -> FeedScope:
        return cls(FeedReach.OWNER, owners, friends_when_changed)

    @classmethod
    def friends_of_owner(cls, *owners: str) -> FeedScope:
        return cls(FeedReach.FRIENDS_OF_OWNER, owners)


def feed_scope_of(table: FromClause) -> FeedScope | None:
    """The declaration for a table: an association table's own, or its mapped class's; None when undeclared."""
    table = db.metadata.tables.get(getattr(table, "fullname", None), table)  # (statements may hold an annotated copy)
    if FEED_SCOPE in getattr(table, "info", {}):
        return table.info[FEED_SCOPE]
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table:
            return getattr(mapper.class_, "feed_scope", None)
    return None


# --- Cached bodies of one row's data ----------------------------------------------------------------------------------

CACHE_TOKENS = "cache_tokens"  # the key of an association table's token declaration in `Table.info`
PROFILE = "profile"  # a user's own profile and the owner facts of their lists: the user's row, platforms, followed persons
LIST = "list"  # a movie list's detail: the list's row and its items
FRIENDS = "friends"  # whom a user's rating reaches (`services.feed.fanout`): the user's friendship rows
TOKEN_KINDS = (PROFILE, LIST, FRIENDS)


@dataclass(frozen=True)
class OwnedToken:
    """A write to the table replaces the `kind` token of the row that its `column` names (a write whose row is unknown,
    a bulk statement that does not name it, replaces the catalogue token). Bodies cached under such a token
    (`services.accounts.profile_cache`, `services.lists.detail_cache`) are current while it is."""

    kind: str
    column: str

    def __post_init__(self) -> None:
        if self.kind not in TOKEN_KINDS:
            raise ValueError(f"unknown cache token kind {self.kind!r}")


def cache_tokens_of(table: FromClause) -> tuple[OwnedToken, ...]:
    """The tokens a write to `table` replaces: an association table's own declaration, or its mapped class's."""
    table = db.metadata.tables.get(getattr(table, "fullname", None), table)
    if CACHE_TOKENS in getattr(table, "info", {}):
        return table.info[CACHE_TOKENS]
    for mapper in db.Model.registry.mappers:
        if mapper.local_table is table:
            return getattr(mapper.class_, "cache_tokens", ())
    return ()
