"""Who may see a user's watchlist, diary and stats (API.md 14, 15): the user and their friends."""

from __future__ import annotations

from moviesx.http.errors import error
from moviesx.models import User
from moviesx.services.social.friends import are_friends

WATCHLIST_NOT_FOUND = "Watchlist not found"
DIARY_NOT_FOUND = "Diary not found"


def can_see(viewer: User, owner: User) -> bool:
    return viewer.id == owner.id or are_friends(owner.id, viewer.id)


def visible_or_404(viewer: User, owner: User, message: str) -> User:
    """`owner` when `viewer` may see their watchlist or diary; otherwise 404 `{"error": message}`."""
    if not can_see(viewer, owner):
        raise error(404, message)
    return owner
