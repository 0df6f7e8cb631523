"""Which cached feeds a write to a table changes, declared next to the table itself.

Every mapped class carries a `feed_scope` class attribute and every association table a `FEED_SCOPE` entry in its
`info`, so that a new table cannot skip feed invalidation unnoticed (tests/models/test_feed_scopes.py checks every
table of the metadata); `moviesx.services.feed.invalidation` reads these declarations when a transaction writes.
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
