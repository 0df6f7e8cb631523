"""The watchlist (API.md 14): add, remove, own and friends' listings with `available`, privacy, races, the feed."""

from __future__ import annotations

import pytest

from moviesx.extensions import db
from moviesx.models import WatchlistEntry
from tests.blueprints.test_friends_concurrency import at_once
from tests.factories import (
    MovieFactory,
    PlatformFactory,
    UserFactory,
    WatchlistEntryFactory,
    link_movie,
    make_friends,
)
from tests.support.catalog import movie_json, platform_json
from tests.support.catalog import soft_delete as soft_delete_row
from tests.support.lists import iso

ALREADY_IN = {"error": "Movie already in your watchlist"}
NOT_IN = {"error": "Movie not in your watchlist"}
NOT_FOUND = {"error": "Watchlist not found"}


@pytest.fixture
def me(app, clock):
    return UserFactory(username="me")


def entries_in_db(user) -> list[int]:
    db.session.expire_all()
    return sorted(db.session.scalars(db.select(WatchlistEntry.movie_id).where(WatchlistEntry.user_id == user.id)))


def listing_ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return [entry["movie"]["id"] for entry in response.get_json()["results"]]


# --- Add and remove ------------------------------------------------------------------------------


def test_add_answers_201_with_the_entry(as_user, me, clock):
    platform = PlatformFactory()
    movie = MovieFactory(slug="parasite")
    link_movie(movie, platforms=[platform])

    response = as_user(me).post("/api/movies/parasite/watchlist/")

    assert response.status_code == 201
    entry = db.session.scalars(db.select(WatchlistEntry)).one()
    assert response.get_json() == {
        "id": entry.id,
        "movie": movie_json(movie, platforms=[platform_json(platform)]),
        "created_at": iso(clock.now),
    }
    assert (entry.user_id, entry.movie_id) == (me.id, movie.id)


def test_add_twice_is_400_and_keeps_one_row(as_user, me):
    movie = MovieFactory()
    assert as_user(me).post(f"/api/movies/{movie.slug}/watchlist").status_code == 201

    response = as_user(me).post(f"/api/movies/{movie.slug}/watchlist/")

    assert (response.status_code, response.get_json()) == (400, ALREADY_IN)
    assert entries_in_db(me) == [movie.id]


def test_add_ignores_a_body_and_allows_rated_movies(as_user, me):
    movie = MovieFactory()
    assert as_user(me).post(f"/api/movies/{movie.slug}/ratings/", json={"rating": 4}).status_code == 201

    response = as_user(me).post(f"/api/movies/{movie.slug}/watchlist/", data="not json")

    assert response.status_code == 201
    assert entries_in_db(me) == [movie.id]


def test_remove_answers_success_then_400(as_user, me):
    movie = MovieFactory()
    WatchlistEntryFactory(user=me, movie=movie)

    first = as_user(me).delete(f"/api/movies/{movie.slug}/watchlist/")
    second = as_user(me).delete(f"/api/movies/{movie.slug}/watchlist")

    assert (first.status_code, first.get_json()) == (200, {"success": True})
    assert (second.status_code, second.get_json()) == (400, NOT_IN)
    assert entries_in_db(me) == []


def test_remove_touches_only_the_callers_entry(as_user, me):
    other = UserFactory()
    movie = MovieFactory()
    WatchlistEntryFactory(user=other, movie=movie)

    response = as_user(me).delete(f"/api/movies/{movie.slug}/watchlist/")

    assert (response.status_code, response.get_json()) == (400, NOT_IN)
    assert entries_in_db(other) == [movie.id]


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_unknown_or_deleted_movie_is_the_generic_404(as_user, me, method):
    gone = MovieFactory(slug="gone")
    soft_delete_row(gone)

    for slug in ("gone", "nothing-here"):
        response = as_user(me).open(method, f"/api/movies/{slug}/watchlist/")
        assert response.status_code == 404
        assert response.get_json() == {
            "error": "Not Found",
            "message": "The requested resource was not found.",
            "model": "Movie",
            "lookup_value": slug,
        }


def test_anonymous_and_unverified_callers_are_refused(client, as_user, app):
    movie = MovieFactory()
    unverified = UserFactory(verified=False)

    assert client.post(f"/api/movies/{movie.slug}/watchlist/").status_code == 401
    assert client.get("/api/me/watchlist/").status_code == 401
    response = as_user(unverified).post(f"/api/movies/{movie.slug}/watchlist/")
    assert (response.status_code, response.get_json()) == (401, {"error": "User account is not verified"})


@pytest.mark.parametrize("attempt", range(3))
def test_the_same_entry_posted_twice_at_once_gives_one_row_and_one_400(app, headers_for, attempt):
    user = UserFactory()
    movie = MovieFactory()
    call = (headers_for(user), "POST", f"/api/movies/{movie.slug}/watchlist/", None)

    results = at_once(app, [call, call])

    assert sorted(status for status, _ in results) == [201, 400]
    assert [body for status, body in results if status == 400] == [ALREADY_IN]
    assert entries_in_db(user) == [movie.id]


# --- Listings ------------------------------------------------------------------------------------


def test_own_listing_is_newest_first_over_live_movies(as_user, me):
    movies = [MovieFactory() for _ in range(4)]
    entries = [WatchlistEntryFactory(user=me, movie=movie) for movie in movies]
    WatchlistEntryFactory(movie=movies[0])  # someone else's
    soft_delete_row(movies[2])

    body = as_user(me).get("/api/me/watchlist/").get_json()

    assert [entry["id"] for entry in body["results"]] == [entries[3].id, entries[1].id, entries[0].id]
    assert (body["count"], body["next_last_id"]) == (3, None)


def test_own_listing_walks_with_the_cursor(as_user, me):
    entries = [WatchlistEntryFactory(user=me) for _ in range(5)]

    first = as_user(me).get("/api/me/watchlist/?limit=2").get_json()
    second = as_user(me).get(f"/api/me/watchlist/?limit=2&last_id={first['next_last_id']}").get_json()
    third = as_user(me).get(f"/api/me/watchlist/?limit=2&last_id={second['next_last_id']}").get_json()

    ids = [entry.id for entry in reversed(entries)]
    assert [e["id"] for e in first["results"] + second["results"] + third["results"]] == ids
    assert (first["next_last_id"], second["next_last_id"], third["next_last_id"]) == (ids[1], ids[3], None)
    assert first["count"] == second["count"] == third["count"] == 5


def test_available_keeps_movies_on_the_callers_platforms(as_user, me):
    mine, other, deleted = PlatformFactory(), PlatformFactory(), PlatformFactory()
    me.platforms.extend([mine, deleted])
    db.session.commit()
    on_mine, on_other, on_none, on_deleted, on_both = (MovieFactory() for _ in range(5))
    link_movie(on_mine, platforms=[mine])
    link_movie(on_other, platforms=[other])
    link_movie(on_deleted, platforms=[deleted])
    link_movie(on_both, platforms=[other, mine])
    for movie in (on_mine, on_other, on_none, on_deleted, on_both):
        WatchlistEntryFactory(user=me, movie=movie)
    soft_delete_row(deleted)

    everything = listing_ids(as_user(me).get("/api/me/watchlist/?available=false"))
    available = as_user(me).get("/api/me/watchlist/?available=TRUE")

    assert everything == [on_both.id, on_deleted.id, on_none.id, on_other.id, on_mine.id]
    assert listing_ids(available) == [on_both.id, on_mine.id]
    assert available.get_json()["count"] == 2


def test_available_without_platforms_lists_nothing(as_user, me):
    platform = PlatformFactory()
    movie = MovieFactory()
    link_movie(movie, platforms=[platform])
    WatchlistEntryFactory(user=me, movie=movie)
    WatchlistEntryFactory(user=me)

    body = as_user(me).get("/api/me/watchlist/?available=true").get_json()

    assert body == {"results": [], "next_last_id": None, "count": 0}


def test_a_friend_sees_the_watchlist_with_their_own_platforms(as_user, me):
    friend = UserFactory(username="friend")
    make_friends(me, friend)
    mine, theirs = PlatformFactory(), PlatformFactory()
    me.platforms.append(mine)
    friend.platforms.append(theirs)
    db.session.commit()
    on_mine, on_theirs = MovieFactory(), MovieFactory()
    link_movie(on_mine, platforms=[mine])
    link_movie(on_theirs, platforms=[theirs])
    WatchlistEntryFactory(user=friend, movie=on_mine)
    WatchlistEntryFactory(user=friend, movie=on_theirs)

    assert listing_ids(as_user(me).get("/api/users/friend/watchlist/")) == [on_theirs.id, on_mine.id]
    assert listing_ids(as_user(me).get("/api/users/friend/watchlist/?available=true")) == [on_mine.id]
    assert listing_ids(as_user(me).get("/api/users/me/watchlist/")) == []


@pytest.mark.parametrize("role", ["stranger", "friend_of_friend", "former_friend"])
def test_anyone_else_gets_watchlist_not_found(as_user, me, role):
    owner = UserFactory(username="owner")
    WatchlistEntryFactory(user=owner)
    if role == "friend_of_friend":
        middle = UserFactory()
        make_friends(owner, middle)
        make_friends(middle, me)
    if role == "former_friend":
        make_friends(owner, me)
        assert as_user(me).delete("/api/users/friends/?username=owner").status_code == 200

    response = as_user(me).get("/api/users/owner/watchlist/")

    assert (response.status_code, response.get_json()) == (404, NOT_FOUND)


def test_missing_or_deactivated_owner_is_the_generic_404_first(as_user, me):
    UserFactory(username="gone", is_active=False)

    for username in ("gone", "nobody"):
        response = as_user(me).get(f"/api/users/{username}/watchlist/")
        assert response.status_code == 404
        assert response.get_json()["model"] == "User"
        assert response.get_json()["lookup_value"] == username


def test_listing_queries_do_not_grow_with_the_limit(as_user, me, count_queries):
    from tests.support.catalog import bulk_catalogue

    catalogue = bulk_catalogue(30)
    for movie in catalogue["movies"]:
        WatchlistEntryFactory(user=me, movie=movie)
    as_user(me).get("/api/me/watchlist/?limit=1")  # warm the app's first-request work

    counts = []
    for limit in (1, 30):
        with count_queries() as counter:
            response = as_user(me).get(f"/api/me/watchlist/?limit={limit}")
        assert len(response.get_json()["results"]) == limit
        counts.append(counter.count)

    assert counts[0] == counts[1]


# --- The feed leaves watchlisted movies out (API.md 14, 6.7) ------------------------------------


def test_the_feed_excludes_watchlisted_movies_and_lists_do_not(as_user, me):
    movies = [MovieFactory() for _ in range(3)]

    def feed() -> list[int]:
        return sorted(movie["id"] for movie in as_user(me).get("/api/movies/").get_json())

    assert feed() == sorted(movie.id for movie in movies)  # computed (and cached, when the feed cache is on)
    assert as_user(me).post(f"/api/movies/{movies[1].slug}/watchlist/").status_code == 201
    assert feed() == sorted([movies[0].id, movies[2].id])

    created = as_user(me).post("/api/movies-lists/?intelligent=true", json={"name": "Mine", "privacity": "P"}).get_json()
    assert f"http://localhost/api/movies/{movies[1].slug}/" in created["movies"]

    assert as_user(me).delete(f"/api/movies/{movies[1].slug}/watchlist/").status_code == 200
    assert feed() == sorted(movie.id for movie in movies)
