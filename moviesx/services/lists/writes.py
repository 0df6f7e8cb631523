"""Writing movie lists (API.md 5.4) and filling them intelligently (6.7)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import Select, exists, func, select

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.http.errors import APIError, error, translate
from moviesx.http.language import active_language
from moviesx.models import Genre, Movie, MovieList, MovieListItem, Person, User
from moviesx.models.lists import MAX_MOVIES_PER_LIST, list_slug
from moviesx.services.catalog.movie_search import title_matches
from moviesx.services.feed.recommendations import recommend
from moviesx.services.lists.privacy import reload
from moviesx.services.social.friends import friend_ids
from moviesx.services.transactions import NO_CHANGE, commit_or

DUPLICATE_NAME = "A movie list with this name already exists."
LIST_FULL = "A list can hold at most 1000 movies"
INTELLIGENT_SIZE = 50


@dataclass
class FillCriteria:
    """Resolved `genres[]`, `celebrities[]` and `friends[]` of an intelligent list."""

    genre_ids: list[int] = field(default_factory=list)
    celebrity_ids: list[int] = field(default_factory=list)
    friend_ids: list[int] = field(default_factory=list)


def _ensure_unique(owner: User, slug: str, *, exclude_id: int | None = None) -> None:
    if _slug_taken(owner.id, slug, exclude_id):
        raise duplicate_name()


def duplicate_name() -> APIError:
    return APIError(400, {"__all__": [translate(DUPLICATE_NAME)]})


def _slug_taken(owner_id: int, slug: str, exclude_id: int | None) -> bool:
    criteria = [MovieList.user_id == owner_id, MovieList.slug == slug]
    if exclude_id is not None:
        criteria.append(MovieList.id != exclude_id)
    return bool(db.session.scalar(select(exists().where(*criteria))))


def _commit_or_duplicate(owner_id: int, slug: str, exclude_id: int | None = None) -> None:
    """Commit; a concurrent list with the same slug surfaces as the duplicate-name 400, never a 500."""

    def refuse_if_taken() -> None:
        if _slug_taken(owner_id, slug, exclude_id):
            raise duplicate_name()

    commit_or(refuse_if_taken)


def _first_missing(wanted: Sequence[str], found: set[str]) -> str | None:
    return next((value for value in wanted if value not in found), None)


def resolve_fill_criteria(owner: User, genres: Sequence[str], celebrities: Sequence[str], friends: Sequence[str]) -> FillCriteria:
    """Genre and person slugs and friends' usernames to ids; the first bad value is a 400 (genres first)."""
    genre_rows = db.session.execute(select(Genre.slug, Genre.id).where(Genre.slug.in_(genres))).all() if genres else []
    missing = _first_missing(genres, {slug for slug, _ in genre_rows})
    if missing is not None:
        raise error(400, "Genre `{value}` does not exist", value=missing)
    person_rows = (
        db.session.execute(select(Person.slug, Person.id).where(Person.slug.in_(celebrities))).all() if celebrities else []
    )
    missing = _first_missing(celebrities, {slug for slug, _ in person_rows})
    if missing is not None:
        raise error(400, "Celebrity `{value}` does not exist", value=missing)
    friend_rows = (
        db.session.execute(
            select(User.username, User.id).where(User.username.in_(friends), User.id.in_(friend_ids(owner.id)))
        ).all()
        if friends
        else []
    )
    missing = _first_missing(friends, {username for username, _ in friend_rows})
    if missing is not None:
        raise error(400, "Friend `{value}` is not in your list", value=missing)
    by_slug = dict(genre_rows)
    by_person = dict(person_rows)
    by_username = dict(friend_rows)
    return FillCriteria(
        genre_ids=[by_slug[slug] for slug in genres],
        celebrity_ids=[by_person[slug] for slug in celebrities],
        friend_ids=[by_username[name] for name in friends],
    )


def recommended_movie_ids(owner: User, criteria: FillCriteria) -> list[int]:
    """The §6.7 pipeline for a list of 50 (owned by services.recommendations)."""
    return recommend(
        owner,
        limit=INTELLIGENT_SIZE,
        genre_ids=criteria.genre_ids or None,
        celebrity_ids=criteria.celebrity_ids,
        friend_ids=criteria.friend_ids,
    )


def create_list(
    owner: User,
    data: dict,
    *,
    intelligent: bool = False,
    genres: Sequence[str] = (),
    celebrities: Sequence[str] = (),
    friends: Sequence[str] = (),
) -> MovieList:
    """Create a list from a validated body; `intelligent` fills it from the §6.7 pipeline.

    Every check (uniqueness, then genres, celebrities and friends) runs before anything is written.
    """
    slug = list_slug(data["name"])
    _ensure_unique(owner, slug)
    movie_ids: list[int] = []
    if intelligent:
        movie_ids = recommended_movie_ids(owner, resolve_fill_criteria(owner, genres, celebrities, friends))
    now = utcnow()
    movie_list = MovieList(
        user_id=owner.id,
        name=data["name"],
        slug=slug,
        description=data.get("description", ""),
        privacity=data["privacity"],
        created_at=now,
        updated_at=now,  # a new list has not been updated yet: both stamps are the same instant
    )
    movie_list.items = [MovieListItem(movie_id=movie_id, position=position) for position, movie_id in enumerate(movie_ids)]
    db.session.add(movie_list)
    _commit_or_duplicate(owner.id, slug)
    return reload(movie_list)


def update_list(movie_list: MovieList, data: dict) -> MovieList:
    """PUT: name and privacity replace, description only when sent; the slug follows the name."""
    slug = list_slug(data["name"])
    _ensure_unique(movie_list.user, slug, exclude_id=movie_list.id)
    movie_list.name = data["name"]
    movie_list.slug = slug
    movie_list.privacity = data["privacity"]
    if "description" in data:
        movie_list.description = data["description"]
    movie_list.updated_at = utcnow()
    _commit_or_duplicate(movie_list.user_id, slug, movie_list.id)
    return reload(movie_list)


def delete_list(movie_list: MovieList) -> None:
    db.session.delete(movie_list)
    db.session.commit()


# --- Membership --------------------------------------------------------------------------------


def _lock(movie_list: MovieList) -> None:
    """Serialise membership changes of one list (positions and the 1000 cap stay exact on PostgreSQL)."""
    db.session.execute(select(MovieList.id).where(MovieList.id == movie_list.id).with_for_update())


def _has_movie(movie_list: MovieList, movie: Movie) -> bool:
    return bool(
        db.session.scalar(
            select(exists().where(MovieListItem.movie_list_id == movie_list.id, MovieListItem.movie_id == movie.id))
        )
    )


def add_movie(movie_list: MovieList, movie: Movie) -> MovieList:
    """Append `movie` at the end; already there is a no-op; a full list is a 400."""
    _lock(movie_list)
    if _has_movie(movie_list, movie):
        db.session.rollback()
        return reload(movie_list)
    size, last = db.session.execute(
        select(func.count(), func.max(MovieListItem.position)).where(MovieListItem.movie_list_id == movie_list.id)
    ).one()
    if size >= MAX_MOVIES_PER_LIST:
        db.session.rollback()
        raise error(400, LIST_FULL)
    db.session.add(MovieListItem(movie_list_id=movie_list.id, movie_id=movie.id, position=(last + 1) if size else 0))
    movie_list.updated_at = utcnow()
    commit_or(NO_CHANGE)  # the same movie added concurrently: the later request is the usual no-op
    return reload(movie_list)


def remove_movie(movie_list: MovieList, movie: Movie) -> None:
    """Remove `movie` if present (positions of the others are kept, so is their order)."""
    _lock(movie_list)
    item = db.session.get(MovieListItem, (movie_list.id, movie.id))
    if item is None:
        db.session.rollback()
        return
    db.session.delete(item)
    movie_list.updated_at = utcnow()
    db.session.commit()


def list_movies(movie_list: MovieList, query: str | None, options: Sequence = ()) -> Select:
    """The list's live movies in list order, optionally those whose base or translated title contains `query`."""
    stmt = (
        select(Movie).join(MovieListItem, MovieListItem.movie_id == Movie.id).where(MovieListItem.movie_list_id == movie_list.id)
    )
    if query and query.strip():
        stmt = stmt.where(title_matches(query, active_language()))
    return stmt.order_by(MovieListItem.position, Movie.id).options(*options)
