"""Account deletion (API.md 18): confirmed by the password (or, without one, the username and a fresh login), then
one transaction that erases the user and everything that is theirs, then the picture file and a goodbye email.

The user's tokens die with the row: user ids are never reused (`users` is AUTOINCREMENT on SQLite), so an access
token fails step 3 of the ladder and a refresh finds no active account. Feeds follow the model declarations
(moviesx.models.feed): the statements name the user and their friends, whose tokens are replaced after the commit,
so no cached feed is served to the user or keeps boosting their ratings; the recommender's user factors are keyed
by the dead id, which nobody can ask for again.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from sqlalchemy import Delete, Update, delete, or_, select, update

from moviesx.clock import to_timestamp, utcnow
from moviesx.extensions import db
from moviesx.http.errors import error
from moviesx.models import (
    AddressCodeEvent,
    CodeFailure,
    Comment,
    FriendRequest,
    Friendship,
    MovieList,
    MovieListItem,
    OneTimeCode,
    Rating,
    Reaction,
    Review,
    UnseenMark,
    User,
    Watch,
    WatchlistEntry,
    user_following_persons,
    user_platforms,
)
from moviesx.models.feed import LIST, PROFILE
from moviesx.services import media
from moviesx.services.accounts import mail
from moviesx.services.accounts.passwords import verify_password
from moviesx.services.feed.invalidation import FEED_USERS_OPTION, TOKEN_ROWS_OPTION

FRESH_LOGIN = timedelta(minutes=10)  # an account without a password confirms with a token this recent (a new login)


def delete_account(user: User, body: Mapping[str, Any], token_issued_at: int) -> None:
    """Check the confirmation in `body` (DeleteAccountSchema), erase the account in one transaction, then remove
    the picture file and email the old address."""
    _confirm(user, body, token_issued_at)
    email, username, language, picture = user.email, user.username, user.preferred_language, user.picture
    erased = erase(user.id)
    db.session.commit()
    db.session.expunge(user)  # its row is gone: nothing may reload it
    if erased:  # (not when a concurrent deletion of the same account committed first: that one says goodbye)
        media.remove_stored(picture)
        mail.queue_goodbye(email, username, language)


def _confirm(user: User, body: Mapping[str, Any], token_issued_at: int) -> None:
    if user.password_hash:
        if "password" not in body:
            raise error(400, "Missing required fields")
        password = body["password"]
        if not isinstance(password, str) or not verify_password(user.password_hash, password):
            raise error(400, "Password is incorrect")
        return
    if "username" not in body:
        raise error(400, "Missing required fields")
    if token_issued_at <= math.floor(to_timestamp(utcnow() - FRESH_LOGIN)):
        raise error(400, "Please sign in again to delete your account")
    if body["username"] != user.username:
        raise error(400, "Username does not match")


def erase(user_id: int) -> bool:
    """Delete, in the current transaction, the user's row and every row of theirs, with every comment and reaction
    under their reviews and comments whoever wrote them; per-address code counters stay, unlinked (API.md 23).
    Every foreign key to users.id also cascades in the database, so a table added later cannot keep a row of a
    deleted user (tests/blueprints/test_account_deletion.py checks every such table). False when the user's row
    was already gone."""
    friends = tuple(db.session.scalars(select(Friendship.friend_id).where(Friendship.user_id == user_id)))
    lists = tuple(db.session.scalars(select(MovieList.id).where(MovieList.user_id == user_id)))
    rows = {PROFILE: (user_id,), LIST: lists}  # the cached bodies of the user's profile and lists
    for statement in _erasure(user_id):
        db.session.execute(statement.execution_options(**{FEED_USERS_OPTION: (user_id,), TOKEN_ROWS_OPTION: rows}))
    # Friendships and the user row change the friends' feeds too (their boosts and their friends' lists).
    either_side = or_(Friendship.user_id == user_id, Friendship.friend_id == user_id)
    reach = {FEED_USERS_OPTION: (user_id, *friends)}
    db.session.execute(delete(Friendship).where(either_side).execution_options(**reach))
    erased = db.session.execute(delete(User).where(User.id == user_id).execution_options(synchronize_session=False, **reach))
    return erased.rowcount == 1


def _erasure(user_id: int) -> list[Delete | Update]:
    """The statements that erase what is the user's, dependants first. Plain table columns: soft-deleted rows go
    too, which the ORM's loader criteria would hide."""
    reviews, comments, reactions = Review.__table__, Comment.__table__, Reaction.__table__
    own_reviews = select(reviews.c.id).where(reviews.c.user_id == user_id)
    # The user's comments, every comment under the user's reviews, and every reply below those, at any depth.
    tree = (
        select(comments.c.id)
        .where(or_(comments.c.user_id == user_id, comments.c.review_id.in_(own_reviews)))
        .cte("erased_comments", recursive=True)
    )
    tree = tree.union(select(comments.c.id).join(tree, comments.c.parent_id == tree.c.id))
    erased_comments = select(tree.c.id)
    own_lists = select(MovieList.__table__.c.id).where(MovieList.__table__.c.user_id == user_id)
    by_user = (Rating, UnseenMark, WatchlistEntry, Watch, OneTimeCode, CodeFailure)
    requests = FriendRequest.__table__
    return [
        delete(reactions).where(
            or_(
                reactions.c.user_id == user_id,
                reactions.c.review_id.in_(own_reviews),
                reactions.c.comment_id.in_(erased_comments),
            )
        ),
        delete(comments).where(comments.c.id.in_(erased_comments)),
        delete(reviews).where(reviews.c.user_id == user_id),
        delete(MovieListItem.__table__).where(MovieListItem.__table__.c.movie_list_id.in_(own_lists)),
        delete(MovieList.__table__).where(MovieList.__table__.c.user_id == user_id),
        *(delete(model.__table__).where(model.__table__.c.user_id == user_id) for model in by_user),
        delete(user_platforms).where(user_platforms.c.user_id == user_id),
        delete(user_following_persons).where(user_following_persons.c.user_id == user_id),
        delete(requests).where(or_(requests.c.from_user_id == user_id, requests.c.to_user_id == user_id)),
        update(AddressCodeEvent.__table__).where(AddressCodeEvent.__table__.c.user_id == user_id).values(user_id=None),
    ]
