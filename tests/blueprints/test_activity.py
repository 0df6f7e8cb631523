"""Friends' activity (API.md 16): bodies, the privacy matrix, deletions, the diary routes, the demo seed.

Cursor walks, `kinds[]`, `limit` and query counts: test_activity_pages.py."""

from __future__ import annotations

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
from tests.support.activity import (
    ALL_KINDS,
    PATH,
    Scene,
    doing_everything,
    item,
    scene_fixture,  # noqa: F401 - the `scene` fixture
    walk,
)
from tests.support.activity import ids as ids_of
from tests.support.catalog import soft_delete


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


@pytest.mark.parametrize("who", list(WHO))
def test_only_current_active_friends_show(as_user, scene, who):
    pick, shown = WHO[who]
    actor = pick(scene)
    doing_everything(actor)

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


def test_needs_a_verified_caller(client, as_user, app):
    assert client.get(PATH).status_code == 401
    unverified = UserFactory(verified=False)
    assert as_user(unverified).get(PATH).get_json() == {"error": "User account is not verified"}


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
