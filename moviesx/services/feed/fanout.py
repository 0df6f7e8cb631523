"""Whom a write reaches beyond its own users: their friends, for the feed tokens a rating replaces after its commit.

A rating changes the boosts in the feeds of the rater's friends, so its invalidation replaces their feed tokens too.
The friends must be read after the commit: a friendship committed before the read is then covered by it, and one
committed after it replaces the new friend's feed token itself, after this rating's commit (`feed.invalidation`), so
no feed computed before this rating outlives either. A read that sees friendships as of a moment after the commit is
as good as reading them then.

Reading them costs a database round trip per rating. So this process keeps each user's friend ids it read, stamped
with the user's friends token (`models.feed.FRIENDS`, which every write to `friendships` replaces after its commit)
and the catalogue token (which a write whose rows are unknown replaces), and reads those tokens after the commit,
one cache round trip for every user at once: a copy whose stamp is still the tokens read is exactly the friendships
as of that read. A user whose copy is missing or outdated is read from the database, after the tokens, and kept
under them."""

from __future__ import annotations

from collections.abc import Iterable

from flask import current_app
from sqlalchemy import select

from moviesx.extensions import cache, db
from moviesx.models import Friendship
from moviesx.models.feed import FRIENDS
from moviesx.services.feed.tokens import CATALOG_TOKEN_KEY, new_token, owned_token_key
from moviesx.services.local_copies import LocalCopies, local_copies

LOCAL_USERS = 4096  # friend lists kept per process (a few ids each: well under a MB)


def friends_of(user_ids: Iterable[int]) -> set[int]:
    """The ids of every friend of `user_ids`, as of now: call after the commit whose change they must see, with a
    trusted cache (`feed.tokens.trusted`); a failed cache call raises (the caller records it)."""
    user_ids = sorted(set(user_ids))
    if not user_ids:
        return set()
    keys = [owned_token_key(FRIENDS, user_id) for user_id in user_ids]
    catalog_token, *tokens = cache.get_many(CATALOG_TOKEN_KEY, *keys)
    catalog_token = catalog_token or new_token(CATALOG_TOKEN_KEY)
    stamps = {
        user_id: (token or new_token(key), catalog_token) for user_id, key, token in zip(user_ids, keys, tokens, strict=True)
    }
    friends, missing = set(), []
    for user_id, entry in zip(user_ids, _kept().get(user_ids), strict=True):
        if entry is not None and None not in stamps[user_id] and entry[0] == stamps[user_id]:
            friends.update(entry[1])
        else:
            missing.append(user_id)
    if missing:
        read = _read(missing)
        _kept().put({user_id: (stamps[user_id], read[user_id]) for user_id in missing if None not in stamps[user_id]})
        friends.update(*read.values())
    return friends


def _read(user_ids: list[int]) -> dict[int, tuple[int, ...]]:
    """Each user's friend ids from the database: one statement, outside the session's transaction (autocommit, so it
    sees every friendship committed before it)."""
    read: dict[int, list[int]] = {user_id: [] for user_id in user_ids}
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        rows = connection.execute(select(Friendship.user_id, Friendship.friend_id).where(Friendship.user_id.in_(user_ids)))
        for user_id, friend_id in rows:
            read[user_id].append(friend_id)
    return {user_id: tuple(friend_ids) for user_id, friend_ids in read.items()}


def _kept() -> LocalCopies:
    return local_copies("friends", LOCAL_USERS, current_app.config["FEED_CACHE_SECONDS"])
