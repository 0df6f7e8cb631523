"""The kinds of friends' activity (API.md 16), one declaration each.

A kind names the table holding its objects, the joins and criteria that keep only live objects the viewer may
see, the item's time, the numbers of its id, the friend it belongs to and the values it shows. The stream
(stream.py) adds "the owner is a current active friend of the viewer", the cursor position and the order, and
merges the kinds in one statement. Each (owner, time, numbers) and (time, numbers) pair has an index.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement
from sqlalchemy.orm import aliased

from moviesx.models import Friendship, Movie, MovieList, Rating, Review, User, Watch, WatchlistEntry
from moviesx.schemas.activity import ACTIVITY_KINDS
from moviesx.services.lists.privacy import visible_to_friends

Criteria = Callable[[ColumnElement[int]], list[ColumnElement[bool]]]  # given the viewer's id (a parameter)


def _no_criteria(viewer: ColumnElement[int]) -> list[ColumnElement[bool]]:
    return []


@dataclass(frozen=True)
class Kind:
    name: str
    table: type
    at: ColumnElement  # the item's time
    keys: tuple[ColumnElement, ...]  # the numbers of its id, in id order
    owner: ColumnElement  # the friend whose activity it is
    values: dict[str, ColumnElement]  # any of stream.VALUES
    joins: tuple[tuple[object, ColumnElement[bool]], ...] = ()
    criteria: Criteria = field(default=_no_criteria)

    @property
    def rank(self) -> int:
        """The kind's place in code-point order of the names: ids compare by it first."""
        return KIND_NAMES.index(self.name)


def _live_movie(movie_id: ColumnElement) -> tuple[tuple[object, ColumnElement[bool]], ...]:
    return ((Movie, Movie.id == movie_id),)


def _movie_is_live(viewer: ColumnElement[int]) -> list[ColumnElement[bool]]:
    return [Movie.deleted_at.is_(None)]


def _review_is_live(viewer: ColumnElement[int]) -> list[ColumnElement[bool]]:
    return [Review.deleted_at.is_(None), Movie.deleted_at.is_(None)]


_other = aliased(User, name="other_user")


def _befriended_someone_else(viewer: ColumnElement[int]) -> list[ColumnElement[bool]]:
    """The other side is active and is not the viewer (their friendship with the viewer is no news to them)."""
    return [_other.is_active.is_(True), Friendship.friend_id != viewer]


def _visible_list(viewer: ColumnElement[int]) -> list[ColumnElement[bool]]:
    return [visible_to_friends()]


RATED = Kind(
    "rated",
    Rating,
    at=Rating.rated_at,
    keys=(Rating.id,),
    owner=Rating.user_id,
    values={"movie_id": Rating.movie_id, "rating": Rating.rating},
    joins=_live_movie(Rating.movie_id),
    criteria=_movie_is_live,
)
REVIEWED = Kind(
    "reviewed",
    Review,
    at=Review.created_at,
    keys=(Review.id,),
    owner=Review.user_id,
    values={"movie_id": Review.movie_id, "review_id": Review.id},
    joins=_live_movie(Review.movie_id),
    criteria=_review_is_live,
)
WATCHED = Kind(
    "watched",
    Watch,
    at=Watch.created_at,
    keys=(Watch.id,),
    owner=Watch.user_id,
    values={"movie_id": Watch.movie_id, "rating": Watch.rating},
    joins=_live_movie(Watch.movie_id),
    criteria=_movie_is_live,
)
WATCHLISTED = Kind(
    "watchlisted",
    WatchlistEntry,
    at=WatchlistEntry.created_at,
    keys=(WatchlistEntry.id,),
    owner=WatchlistEntry.user_id,
    values={"movie_id": WatchlistEntry.movie_id},
    joins=_live_movie(WatchlistEntry.movie_id),
    criteria=_movie_is_live,
)
LISTED = Kind(
    "listed",
    MovieList,
    at=MovieList.created_at,
    keys=(MovieList.id,),
    owner=MovieList.user_id,
    values={"list_id": MovieList.id},
    criteria=_visible_list,
)
FRIENDED = Kind(
    "friended",
    Friendship,
    at=Friendship.created_at,
    keys=(Friendship.user_id, Friendship.friend_id),
    owner=Friendship.user_id,
    values={"friend_id": Friendship.friend_id},
    joins=((_other, _other.id == Friendship.friend_id),),
    criteria=_befriended_someone_else,
)

KIND_NAMES = tuple(sorted(ACTIVITY_KINDS))
KINDS = {kind.name: kind for kind in sorted((RATED, REVIEWED, WATCHED, WATCHLISTED, LISTED, FRIENDED), key=lambda k: k.name)}
KEY_COUNTS = {name: len(kind.keys) for name, kind in KINDS.items()}


def chosen(names: list[str]) -> list[Kind]:
    """The kinds asked for; unknown names are ignored, and none known means all (API.md 16)."""
    known = [KINDS[name] for name in KIND_NAMES if name in names]
    return known or list(KINDS.values())
