"""Builders for movie-list tests: the cast of the privacy matrix, lists with movies, expected bodies."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from moviesx.extensions import db
from moviesx.models import MovieList, MovieListItem, User
from tests.factories import MovieListFactory, UserFactory, make_friends

HOST = "http://localhost"
NOT_VISIBLE = {"error": "This movies list doesn't exist or you're not allowed to see it"}


@dataclass
class Cast:
    """owner; friend (of owner); fof (friend of friend only); stranger."""

    owner: User
    friend: User
    fof: User
    stranger: User

    def __getitem__(self, role: str) -> User:
        return getattr(self, role)


@pytest.fixture(name="cast")
def cast_fixture(app) -> Cast:
    owner, friend, fof, stranger = (UserFactory(username=name) for name in ("owner", "friend", "fof", "stranger"))
    make_friends(owner, friend)
    make_friends(friend, fof)
    return Cast(owner, friend, fof, stranger)


def make_list(owner: User, *, movies=(), **kwargs) -> MovieList:
    """A list of `owner` holding `movies` at positions 0..n-1."""
    movie_list = MovieListFactory(user=owner, **kwargs)
    db.session.add_all(
        MovieListItem(movie_list_id=movie_list.id, movie_id=movie.id, position=position) for position, movie in enumerate(movies)
    )
    db.session.commit()
    return movie_list


def iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def list_body(movie_list: MovieList, movies=()) -> dict:
    """The MovieList shape (API.md 4) we expect for `movie_list` holding `movies`, in that order."""
    return {
        "id": movie_list.id,
        "name": movie_list.name,
        "slug": movie_list.slug,
        "description": movie_list.description,
        "privacity": movie_list.privacity,
        "user": f"{HOST}/api/users/{movie_list.user.username}/",
        "movies": [f"{HOST}/api/movies/{movie.slug}/" for movie in movies],
        "created_at": iso(movie_list.created_at),
        "updated_at": iso(movie_list.updated_at),
    }


def page(results, *, count=None, total_pages=1, current_page=1, has_next=False, has_previous=False) -> dict:
    return {
        "results": results,
        "count": len(results) if count is None else count,
        "total_pages": total_pages,
        "current_page": current_page,
        "has_next": has_next,
        "has_previous": has_previous,
    }


def list_path(movie_list: MovieList, suffix: str = "") -> str:
    return f"/api/movies-lists/{movie_list.user.username}/{movie_list.slug}/{suffix}"


def slugs_in_db(movie_list_id: int) -> list[str]:
    """The stored order of a list, straight from the item rows."""
    db.session.expire_all()
    movie_list = db.session.get(MovieList, movie_list_id)
    return [item.movie.slug for item in movie_list.items]
