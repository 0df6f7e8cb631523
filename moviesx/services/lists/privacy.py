"""Who may see a movie list (API.md 6.2).

The owner sees every list, a friend of the owner sees `P` and `F`, anyone else sees `P`; an invisible list is
indistinguishable from a missing one.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import selectinload

from moviesx.extensions import db
from moviesx.http.errors import APIError, error
from moviesx.models import Movie, MovieList, User
from moviesx.models.lists import PRIVACY_CODES
from moviesx.models.sql import contains_folded
from moviesx.services.social.friends import are_friends, friend_ids

NOT_VISIBLE = "This movies list doesn't exist or you're not allowed to see it"
FRIENDS_SEE = ("P", "F")  # what a friend of the (active) owner sees


def not_visible(status: int = 404) -> APIError:
    """The privacy error `L`: 404 for a missing or invisible list, 403 for a visible list of someone else."""
    return error(status, NOT_VISIBLE)


def visible_privacities(viewer: User, owner: User) -> tuple[str, ...]:
    """The privacy codes of `owner`'s lists that `viewer` may see."""
    if viewer.id == owner.id:
        return PRIVACY_CODES
    if owner.is_active and are_friends(viewer.id, owner.id):
        return FRIENDS_SEE
    return ("P",) if owner.is_active else ()


def can_see(viewer: User, movie_list: MovieList) -> bool:
    return movie_list.privacity in visible_privacities(viewer, movie_list.user)


def visible_to(viewer_id: int) -> ColumnElement[bool]:
    """SQL criterion on MovieList: the caller's own lists, public lists and friends' `F` lists (active owners)."""
    active_owners = select(User.id).where(User.is_active.is_(True))
    return or_(
        MovieList.user_id == viewer_id,
        and_(MovieList.privacity == "P", MovieList.user_id.in_(active_owners)),
        and_(MovieList.privacity == "F", MovieList.user_id.in_(friend_ids(viewer_id))),
    )


def visible_to_friends() -> ColumnElement[bool]:
    """SQL criterion on the lists of a user whose active friend is the viewer: what that friend may see."""
    return MovieList.privacity.in_(FRIENDS_SEE)


def list_load_options() -> list:
    """Everything a MovieList dump touches, in a constant number of queries."""
    return [selectinload(MovieList.user), selectinload(MovieList.movies).load_only(Movie.id, Movie.slug)]


def own_lists(user: User) -> Select:
    """All of the user's lists, id ascending."""
    return select(MovieList).where(MovieList.user_id == user.id).order_by(MovieList.id).options(*list_load_options())


def visible_lists_for(viewer: User, owner: User) -> Select:
    """`owner`'s lists that `viewer` may see (unordered; the caller orders)."""
    return (
        select(MovieList)
        .where(MovieList.user_id == owner.id, MovieList.privacity.in_(visible_privacities(viewer, owner)))
        .options(*list_load_options())
    )


def searchable_lists(viewer: User, query: str | None) -> Select:
    """Every list visible to `viewer` whose name contains `query` (case-insensitive; blank: all), id ascending."""
    stmt = select(MovieList).where(visible_to(viewer.id))
    if query and query.strip():
        stmt = stmt.where(contains_folded(MovieList.name, query))
    return stmt.order_by(MovieList.id).options(*list_load_options())


def visible_list_or_404(viewer: User, owner: User, slug: str) -> MovieList:
    """`owner`'s list `slug` when `viewer` may see it, else the privacy 404."""
    movie_list = db.session.scalar(visible_lists_for(viewer, owner).where(MovieList.slug == slug))
    if movie_list is None:
        raise not_visible()
    return movie_list


def owned_list_or_404(viewer: User, owner: User, slug: str) -> MovieList:
    """The list for PUT and DELETE: anyone but the owner gets the privacy 404, visible list or not."""
    if viewer.id != owner.id:
        raise not_visible()
    return visible_list_or_404(viewer, owner, slug)


def reload(movie_list: MovieList) -> MovieList:
    """The list fresh from the database with its dump relations loaded."""
    stmt = select(MovieList).where(MovieList.id == movie_list.id).options(*list_load_options())
    return db.session.scalars(stmt.execution_options(populate_existing=True)).one()
