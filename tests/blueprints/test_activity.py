"""Friends' activity (API.md 16): bodies, the privacy matrix, cursor walks, kinds[], query counts."""

from __future__ import annotations

import base64
from dataclasses import dataclass

import pytest
from sqlalchemy import select

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
from tests.support.activity import PATH, item, walk
from tests.support.activity import ids as ids_of
from tests.support.catalog import soft_delete

INVALID_CURSOR = {"error": "Invalid cursor"}
ALL_KINDS = {"rated", "reviewed", "watched", "watchlisted", "listed", "friended"}


@dataclass
class Scene:
    me: User
    ana: User  # a friend
    bob: User  # another friend


@pytest.fixture
def scene(app, clock) -> Scene:
    me, ana, bob = (UserFactory(username=name) for name in ("me", "ana", "bob"))
    make_friends(me, ana)
    make_friends(me, bob)
    clock.advance(seconds=1)
    return Scene(me, ana, bob)


def test_every_kind_with_its_body_newest_first(as_user, scene, clock):
    ana, cat = scene.ana, UserFactory(username="cat")
    made = []
    rated, reviewed, watched, watchlisted = (MovieFactory() for _ in range(4))
    rating = RatingFactory(user=ana, movie=rated, rating=4)
    made.append(item("rated", rating.id, ana, rating.rated_at, movie=rated, rating=4))
    clock.advance(seconds=1)
    review = ReviewFactory(user=ana, movie=reviewed)
    made.append(item("reviewed", review.id, ana, review.created_at, movie=reviewed, review=review))
    clock.advance(seconds=1)
    watch = WatchFactory(user=ana, movie=watched, rating=5)
    made.append(item("watched", watch.id, ana, watch.created_at, movie=watched, rating=5))
    clock.advance(seconds=1)
    entry = WatchlistEntryFactory(user=ana, movie=watchlisted)
    made.append(item("watchlisted", entry.id, ana, entry.created_at, movie=watchlisted))
    clock.advance(seconds=1)
    movie_list = MovieListFactory(user=ana, privacity="F")
    made.append(item("listed", movie_list.id, ana, movie_list.created_at, movie_list=movie_list))
    clock.advance(seconds=1)
    make_friends(ana, cat)
    made.append(item("friended", (ana.id, cat.id), ana, clock.now.replace(tzinfo=None), friend=cat))

    response = as_user(scene.me).get(PATH)

    assert response.status_code == 200
    assert response.get_json() == {"results": made[::-1], "next_cursor": None}


def test_a_watch_without_rating_and_a_rating_with_its_current_value(as_user, scene, clock):
    movie = MovieFactory()
    watch = WatchFactory(user=scene.bob, movie=movie, rating=None)
    clock.advance(seconds=1)
    rating = RatingFactory(user=scene.bob, movie=movie, rating=2)
    clock.advance(seconds=1)
    as_user(scene.bob).put(f"/api/movies/{movie.slug}/ratings/", json={"rating": 5})
    db.session.expire_all()

    results = as_user(scene.me).get(PATH).get_json()["results"]

    assert results == [
        item("rated", rating.id, scene.bob, clock.now.replace(tzinfo=None), movie=movie, rating=5),
        item("watched", watch.id, scene.bob, watch.created_at, movie=movie),
    ]


# --- Privacy matrix ---------------------------------------------------------------------------------


def _friend_of_mine(scene: Scene) -> User:
    return scene.ana


def _stranger(scene: Scene) -> User:
    return UserFactory()


def _friend_of_a_friend(scene: Scene) -> User:
    other = UserFactory()
    make_friends(scene.ana, other)
    return other


def _ex_friend(scene: Scene) -> User:
    ex = UserFactory()
    make_friends(scene.me, ex)
    unfriend(scene.me, ex)
    return ex


def _deactivated_friend(scene: Scene) -> User:
    friend = UserFactory()
    make_friends(scene.me, friend)
    friend.is_active = False
    db.session.commit()
    return friend


def _me(scene: Scene) -> User:
    return scene.me


def _rating(actor: User, scene: Scene) -> None:
    RatingFactory(user=actor)


WHO = {
    "friend": (_friend_of_mine, True),
    "stranger": (_stranger, False),
    "friend of a friend": (_friend_of_a_friend, False),
    "ex-friend": (_ex_friend, False),
    "deactivated friend": (_deactivated_friend, False),
    "the caller": (_me, False),
}


def _doing_everything(actor: User, scene: Scene) -> None:
    """One item of every kind by `actor` (the friendship with a fresh active user included)."""
    movie = MovieFactory()
    RatingFactory(user=actor, movie=movie)
    ReviewFactory(user=actor, movie=movie)
    WatchFactory(user=actor, movie=movie)
    WatchlistEntryFactory(user=actor, movie=MovieFactory())
    MovieListFactory(user=actor, privacity="P")
    make_friends(actor, UserFactory())


@pytest.mark.parametrize("who", list(WHO))
def test_only_current_active_friends_show(as_user, scene, who):
    pick, shown = WHO[who]
    actor = pick(scene)
    _doing_everything(actor, scene)

    results = as_user(scene.me).get(PATH).get_json()["results"]

    expected = ALL_KINDS if shown else set()
    assert {entry["kind"] for entry in results if entry["user"]["id"] == actor.id} == expected
    assert all(entry["user"]["id"] in (scene.ana.id, scene.bob.id) for entry in results)
    assert all(entry["user"]["id"] != scene.me.id for entry in results)


def _movie_deleted_after(make):
    def build(scene: Scene):
        movie = MovieFactory()
        make(scene.ana, movie)
        soft_delete(movie)

    return build


def _review_deleted(scene: Scene) -> None:
    soft_delete(ReviewFactory(user=scene.ana))


def _list(privacity: str):
    def build(scene: Scene) -> None:
        MovieListFactory(user=scene.ana, privacity=privacity)

    return build


def _list_deleted(scene: Scene) -> None:
    movie_list = MovieListFactory(user=scene.ana, privacity="P")
    db.session.delete(movie_list)
    db.session.commit()


def _befriends(active: bool):
    def build(scene: Scene) -> None:
        other = UserFactory()
        make_friends(scene.ana, other)
        other.is_active = active
        db.session.commit()

    return build


def _befriends_a_friend_of_mine(scene: Scene) -> None:
    make_friends(scene.ana, scene.bob)


OBJECTS = {
    "public list": (_list("P"), ["listed"]),
    "friends-only list": (_list("F"), ["listed"]),
    "private list": (_list("R"), []),
    "deleted list": (_list_deleted, []),
    "deleted review": (_review_deleted, []),
    "rating of a deleted movie": (_movie_deleted_after(lambda user, movie: RatingFactory(user=user, movie=movie)), []),
    "review of a deleted movie": (_movie_deleted_after(lambda user, movie: ReviewFactory(user=user, movie=movie)), []),
    "watch of a deleted movie": (_movie_deleted_after(lambda user, movie: WatchFactory(user=user, movie=movie)), []),
    "watchlisted deleted movie": (
        _movie_deleted_after(lambda user, movie: WatchlistEntryFactory(user=user, movie=movie)),
        [],
    ),
    "friendship with an active user": (_befriends(True), ["friended"]),
    "friendship with a deactivated user": (_befriends(False), []),
    # Two of my friends who become friends: one item for each of them.
    "friendship of two friends": (_befriends_a_friend_of_mine, ["friended", "friended"]),
}


@pytest.mark.parametrize("case", list(OBJECTS))
def test_only_live_objects_the_caller_may_see_show(as_user, scene, case):
    build, kinds = OBJECTS[case]
    build(scene)

    results = as_user(scene.me).get(PATH).get_json()["results"]

    assert [entry["kind"] for entry in results] == kinds
    if case == "friendship of two friends":
        assert {(entry["user"]["username"], entry["friend"]) for entry in results} == {
            ("ana", "http://localhost/api/users/bob/"),
            ("bob", "http://localhost/api/users/ana/"),
        }


def test_items_leave_when_their_object_is_deleted_or_the_friendship_ends(as_user, scene):
    review = ReviewFactory(user=scene.ana)
    RatingFactory(user=scene.bob)
    assert [e["kind"] for e in as_user(scene.me).get(PATH).get_json()["results"]] == ["reviewed", "rated"]  # one instant: by id

    as_user(scene.ana).delete(f"/api/reviews/{review.id}/")
    assert [e["user"]["username"] for e in as_user(scene.me).get(PATH).get_json()["results"]] == ["bob"]

    unfriend(scene.me, scene.bob)
    assert as_user(scene.me).get(PATH).get_json()["results"] == []


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
    _doing_everything(scene.ana, scene)

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


def test_needs_a_verified_caller(client, as_user, app):
    assert client.get(PATH).status_code == 401
    unverified = UserFactory(verified=False)
    assert as_user(unverified).get(PATH).get_json() == {"error": "User account is not verified"}


# --- Query counts -------------------------------------------------------------------------------------


def _everything_by(friends: list[User], rounds: int, clock) -> None:
    """`rounds` items of every kind by each friend, one instant per round (so that any page of 6 or more has all)."""
    for friend in friends:
        for _ in range(rounds):
            _doing_everything(friend, None)
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


def test_diary_and_watchlist_writes_show_through_their_routes(as_user, scene, clock):
    """A friend's logged watch with a rating gives `watched` and `rated`; adding to the watchlist gives `watchlisted`;
    leaving the watchlist (logging the movie) takes that item away."""
    MovieFactory(slug="seen"), MovieFactory(slug="wanted")
    assert as_user(scene.ana).post("/api/movies/wanted/watchlist/").status_code == 201
    clock.advance(seconds=1)
    assert as_user(scene.ana).post("/api/movies/seen/watches/", json={"rating": 4, "note": "Again!"}).status_code == 201

    results = as_user(scene.me).get(PATH).get_json()["results"]

    assert [(entry["kind"], entry["movie"]["slug"], entry["rating"]) for entry in results] == [
        ("watched", "seen", 4),
        ("rated", "seen", 4),
        ("watchlisted", "wanted", None),
    ]
    clock.advance(seconds=1)
    as_user(scene.ana).post("/api/movies/wanted/watches/", json={})
    kinds = [(entry["kind"], entry["movie"]["slug"]) for entry in as_user(scene.me).get(PATH).get_json()["results"]]
    assert kinds == [("watched", "wanted"), ("watched", "seen"), ("rated", "seen")]


def test_demo_seed_shows_every_kind_spread_over_past_days(app, as_user):
    args = ["seed", "demo", "--users", "8", "--movies", "12", "--ratings", "80", "--password", "demo-password-123"]
    assert app.test_cli_runner().invoke(args=args).exit_code == 0
    db.session.expire_all()
    demo = db.session.scalar(select(User).where(User.username == "demo_001"))

    pages = walk(as_user(demo), 100)
    results = [entry for page in pages for entry in page]

    assert {entry["kind"] for entry in results} >= ALL_KINDS - {"reviewed"}  # reviews are a 1-in-5 chance per rating
    assert len({entry["created_at"] for entry in results}) > len(results) / 2  # not one instant: the kinds mix
    assert len({entry["kind"] for entry in results[:20]}) >= 3
    assert app.test_cli_runner().invoke(args=args).exit_code == 0  # a second run moves nothing
    db.session.expire_all()
    assert ids_of(walk(as_user(demo), 100)) == [entry["id"] for entry in results]
