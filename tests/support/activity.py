"""Builders for the friends' activity tests (API.md 16): the caller, walks over pages, expected bodies."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from moviesx.extensions import db
from moviesx.models import User
from tests.factories import (
    MovieFactory,
    MovieListFactory,
    RatingFactory,
    ReviewFactory,
    UserFactory,
    WatchFactory,
    WatchlistEntryFactory,
    make_friends,
)
from tests.support.catalog import movie_json

HOST = "http://localhost"
PATH = "/api/me/activity/"
ALL_KINDS = {"rated", "reviewed", "watched", "watchlisted", "listed", "friended"}


def stamp(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def user_json(user: User, status: str | None = "A", is_friend: bool = True) -> dict:
    return {
        "id": user.id,
        "username": user.username,
        "bio": user.bio,
        "friendship": {"is_friend": is_friend, "status": status},
        "picture": f"{HOST}/media/users/default.png",
    }


def review_json(review) -> dict:
    return {
        "id": review.id,
        "title": review.title,
        "movie": f"{HOST}/api/movies/{review.movie.slug}/",
        "user": f"{HOST}/api/users/{review.user.username}/",
        "content": review.content,
        "is_positive": review.is_positive,
        "created_at": stamp(review.created_at),
    }


def item(kind: str, key, user: User, at, *, movie=None, rating=None, review=None, movie_list=None, friend=None) -> dict:
    """The Activity body; `key` is the object's id, or (user id, friend id) for a friendship."""
    numbers = key if isinstance(key, tuple) else (key,)
    return {
        "id": "-".join([kind, *(f"{number:019d}" for number in numbers)]),
        "kind": kind,
        "user": user_json(user),
        "movie": movie_json(movie) if movie is not None else None,
        "rating": rating,
        "review": review_json(review) if review is not None else None,
        "list": f"{HOST}/api/movies-lists/{user.username}/{movie_list.slug}/" if movie_list is not None else None,
        "friend": f"{HOST}/api/users/{friend.username}/" if friend is not None else None,
        "created_at": stamp(at),
    }


def walk(client, limit: int, between=None, **params) -> list[list[dict]]:
    """Every page of a walk, following `next_cursor`; `between(n)` runs after page n (events arriving meanwhile)."""
    pages, cursor = [], None
    while True:
        query = {**params, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = client.get(PATH, query_string=query)
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        pages.append(body["results"])
        cursor = body["next_cursor"]
        if cursor is None:
            return pages
        assert len(cursor) <= 200 and cursor.isascii()
        if between is not None:
            between(len(pages))
            db.session.expire_all()


def ids(pages: list[list[dict]]) -> list[str]:
    return [entry["id"] for page in pages for entry in page]


@dataclass
class Scene:
    me: User
    ana: User  # a friend
    bob: User  # another friend


@pytest.fixture(name="scene")
def scene_fixture(app, clock) -> Scene:
    me, ana, bob = (UserFactory(username=name) for name in ("me", "ana", "bob"))
    make_friends(me, ana)
    make_friends(me, bob)
    clock.advance(seconds=1)
    return Scene(me, ana, bob)


def doing_everything(actor: User) -> None:
    """One item of every kind by `actor` (the friendship with a fresh active user included)."""
    movie = MovieFactory()
    RatingFactory(user=actor, movie=movie)
    ReviewFactory(user=actor, movie=movie)
    WatchFactory(user=actor, movie=movie)
    WatchlistEntryFactory(user=actor, movie=MovieFactory())
    MovieListFactory(user=actor, privacity="P")
    make_friends(actor, UserFactory())
