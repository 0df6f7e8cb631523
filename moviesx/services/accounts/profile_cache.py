"""The caller's own profile (GET /api/users/, API.md 5.1) served from its cached representation.

The SelfUser body is cached per user, language and URL root (`catalog.representations`), stamped with the catalogue
token and the user's profile token (`models.feed.PROFILE`). Every commit that writes the user's row, platforms or
followed persons replaces the profile token (the tables' `cache_tokens` declarations, read by `feed.invalidation`),
and a platform's or a person's rename or deletion is a catalogue write; so a current stamp proves the body current.
The tokens are read before the database, and a miss reads the row afresh after them (`populate_existing`: the ladder
may have loaded it before), so an entry never carries a stamp newer than its rows. A hit reads no row.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from moviesx.extensions import db
from moviesx.http.conditional import Representation
from moviesx.http.errors import error
from moviesx.models import User
from moviesx.models.feed import PROFILE
from moviesx.schemas.accounts.profile import SelfUserSchema
from moviesx.services.catalog.representations import cached, entry_key
from moviesx.services.feed.tokens import CATALOG_TOKEN_KEY, owned_token_key


def own_profile(user_id: int) -> Representation:
    """The SelfUser body of the caller `user_id` (who passed the ladder)."""
    token_keys = (CATALOG_TOKEN_KEY, owned_token_key(PROFILE, user_id))
    return cached(entry_key("profile", user_id), token_keys, lambda: SelfUserSchema().dump(_fresh_user(user_id)))


def _fresh_user(user_id: int) -> User:
    """The caller's row and the collections its body shows, read now (never the copy the ladder may have loaded)."""
    statement = (
        select(User)
        .where(User.id == user_id)
        .options(selectinload(User.platforms), selectinload(User.following_persons))
        .execution_options(populate_existing=True)
    )
    user = db.session.scalar(statement)
    if user is None or not user.is_active:  # gone since the ladder passed (as `http.auth.current_user`)
        raise error(401, "Token is invalid")
    return user
