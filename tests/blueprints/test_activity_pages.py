"""Friends' activity (API.md 16): cursor walks, `kinds[]`, `limit`, and queries per page."""

from __future__ import annotations

import base64

import pytest

from moviesx.extensions import db
from moviesx.models import User
from moviesx.services.social.friends import unfriend
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
from tests.support.activity import (
    ALL_KINDS,
    PATH,
    Scene,
    doing_everything,
    scene_fixture,  # noqa: F401 - the `scene` fixture
    walk,
)
from tests.support.activity import ids as ids_of

INVALID_CURSOR = {"error": "Invalid cursor"}


# --- Cursor walks ------------------------------------------------------------------------------------


def _expected_order(results: list[dict]) -> list[str]:
    """(created_at, id) descending, ids compared by code point (Python's string order)."""
    return [entry["id"] for entry in sorted(results, key=lambda entry: (entry["created_at"], entry["id"]), reverse=True)]


def _mixed_history(scene: Scene, clock) -> None:
    """Items of every kind, many at the same instant (ties decided by id) and ids of different digit counts."""
    movies = [MovieFactory() for _ in range(12)]
    for index, movie in enumerate(movies):
        RatingFactory(user=scene.ana if index % 2 else scene.bob, movie=movie)  # 12 ratings in one instant
    clock.advance(seconds=1)
    for movie in movies[:4]:
        ReviewFactory(user=scene.ana, movie=movie)
        WatchFactory(user=scene.bob, movie=movie)
        WatchlistEntryFactory(user=scene.ana, movie=movie)
    MovieListFactory(user=scene.bob, privacity="F")
    make_friends(scene.ana, UserFactory())
    clock.advance(seconds=1)


@pytest.mark.parametrize("limit", [1, 3, 7])
def test_pages_neither_skip_nor_repeat_while_events_arrive(as_user, scene, clock, limit):
    _mixed_history(scene, clock)
    everything = as_user(scene.me).get(PATH, query_string={"limit": 100}).get_json()["results"]
    assert len(everything) == 12 + 12 + 1 + 1
    assert [entry["id"] for entry in everything] == _expected_order(everything)

    def new_events(page: int) -> None:
        clock.advance(seconds=1)
        RatingFactory(user=scene.ana)
        MovieListFactory(user=scene.bob)
        make_friends(scene.bob, UserFactory())

    walked = ids_of(walk(as_user(scene.me), limit, between=new_events))

    assert walked == [entry["id"] for entry in everything]


def test_an_item_whose_time_changes_moves_and_is_never_listed_twice(as_user, scene, clock):
    movies = [MovieFactory() for _ in range(6)]
    for movie in movies:
        RatingFactory(user=scene.ana, movie=movie, rating=3)
        clock.advance(seconds=1)
    first, last = movies[-1], movies[0]  # the newest and the oldest rating

    def rate_again(page: int) -> None:
        clock.advance(seconds=1)
        if page == 1:
            as_user(scene.ana).put(f"/api/movies/{first.slug}/ratings/", json={"rating": 5})  # listed already
            clock.advance(seconds=1)
            as_user(scene.ana).put(f"/api/movies/{last.slug}/ratings/", json={"rating": 1})  # not yet listed

    walked = walk(as_user(scene.me), 2, between=rate_again)
    slugs = [entry["movie"]["slug"] for page in walked for entry in page]

    assert slugs == [movie.slug for movie in reversed(movies[1:])]  # `last` moved before the cursor
    fresh = as_user(scene.me).get(PATH).get_json()["results"]
    assert [(entry["movie"]["slug"], entry["rating"]) for entry in fresh[:2]] == [(last.slug, 1), (first.slug, 5)]


def test_setting_a_rating_to_the_same_value_does_not_move_it(as_user, scene, clock):
    older, newer = MovieFactory(), MovieFactory()
    RatingFactory(user=scene.ana, movie=older, rating=3)
    clock.advance(seconds=1)
    RatingFactory(user=scene.ana, movie=newer, rating=3)
    clock.advance(seconds=1)

    assert as_user(scene.ana).put(f"/api/movies/{older.slug}/ratings/", json={"rating": 3}).status_code == 200

    results = as_user(scene.me).get(PATH).get_json()["results"]
    assert [entry["movie"]["slug"] for entry in results] == [newer.slug, older.slug]


def test_friends_gained_and_lost_change_later_pages(as_user, scene, clock):
    dan = UserFactory(username="dan")
    RatingFactory(user=dan)  # the oldest item, by a future friend
    clock.advance(seconds=1)
    for _ in range(2):
        RatingFactory(user=scene.bob)  # by a friend about to leave
        clock.advance(seconds=1)
    for _ in range(2):
        RatingFactory(user=scene.ana)
        clock.advance(seconds=1)

    def change_friends(page: int) -> None:
        unfriend(scene.me, scene.bob)
        make_friends(scene.me, dan)

    walked = walk(as_user(scene.me), 2, between=change_friends)

    assert [[entry["user"]["username"] for entry in page] for page in walked] == [["ana", "ana"], ["dan"]]


def test_cursor_is_opaque_ascii_and_bad_ones_are_400(as_user, scene):
    for _ in range(3):
        RatingFactory(user=scene.ana)
    first = as_user(scene.me).get(PATH, query_string={"limit": 2}).get_json()
    cursor = first["next_cursor"]
    assert cursor.isascii() and len(cursor) <= 200
    assert len(as_user(scene.me).get(PATH, query_string={"cursor": cursor}).get_json()["results"]) == 1

    def encoded(text: str) -> str:
        return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")

    bad = [
        "",
        "not a cursor!",
        "x" * 201,
        encoded("2026-01-01T00:00:00.000000|shared-0000000000000000001"),  # unknown kind
        encoded("2026-01-01T00:00:00.000000|rated-1"),  # not fixed width
        encoded("2026-01-01T00:00:00.000000|rated-0000000000000000001-0000000000000000001"),
        encoded("2026-01-01T00:00:00.000000|friended-0000000000000000001"),
        encoded("yesterday|rated-0000000000000000001"),
        base64.urlsafe_b64encode("é|rated".encode()).decode(),
    ]
    for value in bad:
        response = as_user(scene.me).get(PATH, query_string={"cursor": value})
        assert (response.status_code, response.get_json()) == (400, INVALID_CURSOR), value


def test_a_cursor_past_everything_gives_an_empty_last_page(as_user, scene):
    RatingFactory(user=scene.ana)
    cursor = base64.urlsafe_b64encode(b"1900-01-01T00:00:00.000000|friended-0000000000000000000-0000000000000000000")
    response = as_user(scene.me).get(PATH, query_string={"cursor": cursor.decode().rstrip("=")})
    assert response.get_json() == {"results": [], "next_cursor": None}


# --- kinds[] and limit --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "kinds"),
    [
        ("kinds[]=rated&kinds=listed&kinds[]=bogus", ["listed", "rated"]),
        ("kinds[]=friended", ["friended"]),
        ("kinds[]=bogus&kinds=", ["friended", "listed", "rated", "reviewed", "watched", "watchlisted"]),
        ("", ["friended", "listed", "rated", "reviewed", "watched", "watchlisted"]),
    ],
)
def test_kinds_filter(as_user, scene, query, kinds):
    doing_everything(scene.ana)

    results = as_user(scene.me).get(f"{PATH}?{query}").get_json()["results"]

    assert sorted(entry["kind"] for entry in results) == kinds


def test_kinds_filter_pages_over_the_chosen_kinds_only(as_user, scene, clock):
    _mixed_history(scene, clock)
    chosen = {"kinds[]": ["watched", "listed"]}
    everything = as_user(scene.me).get(PATH, query_string={"limit": 100}).get_json()["results"]

    walked = ids_of(walk(as_user(scene.me), 2, **chosen))

    assert walked == [entry["id"] for entry in everything if entry["kind"] in ("watched", "listed")]


def test_limit_default_and_clamp(as_user, scene):
    movies = [MovieFactory.build() for _ in range(101)]
    db.session.add_all(movies)
    db.session.flush()
    db.session.add_all([RatingFactory.build(user=scene.ana, movie=movie) for movie in movies])
    db.session.commit()

    for query, size in [("", 20), ("?limit=0", 20), ("?limit=x", 20), ("?limit=5", 5), ("?limit=1000", 100)]:
        body = as_user(scene.me).get(f"{PATH}{query}").get_json()
        assert len(body["results"]) == size
        assert body["next_cursor"] is not None


# --- Query counts -------------------------------------------------------------------------------------


def _everything_by(friends: list[User], rounds: int, clock) -> None:
    """`rounds` items of every kind by each friend, one instant per round (so that any page of 6 or more has all)."""
    for friend in friends:
        for _ in range(rounds):
            doing_everything(friend)
            clock.advance(seconds=1)


def test_queries_per_page_do_not_grow_with_limit_or_friends(as_user, app, clock, count_queries):
    me = UserFactory()
    few = [UserFactory()]
    for friend in few:
        make_friends(me, friend)
    _everything_by(few, 1, clock)

    def counted(limit: int) -> int:
        db.session.expire_all()  # every request loads what it reads, as in production
        with count_queries() as counter:
            body = as_user(me).get(PATH, query_string={"limit": limit}).get_json()
        assert {entry["kind"] for entry in body["results"]} == ALL_KINDS
        return counter.count

    small = counted(6)
    many = [UserFactory() for _ in range(8)]
    for friend in many:
        make_friends(me, friend)
    _everything_by(many, 2, clock)

    assert counted(100) == small
    assert counted(30) == small
