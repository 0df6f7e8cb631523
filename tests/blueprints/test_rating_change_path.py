"""The rating PUT on a warm process is one SQL statement (issue 14) and stays exact: the movie's id comes from this
process's copy stamped with the catalogue token, the friends its invalidation reaches from its copy stamped with
their friends token, both read in the same request; a write in another process makes either copy unusable at once."""

from __future__ import annotations

import pytest
from sqlalchemy import delete

from moviesx.extensions import cache, db
from moviesx.models import Friendship, Rating
from moviesx.services.feed.tokens import USER_TOKEN_KEY
from tests.factories import MovieFactory, RatingFactory, UserFactory, make_friends

BASE = "http://localhost"


@pytest.fixture
def me(app):
    return UserFactory()


@pytest.fixture
def movie(app):
    return MovieFactory(slug="the-movie")


def put(as_user, user, value: int, slug: str = "the-movie"):
    client = as_user(user)
    db.session.expire_all()  # nothing the test's session holds helps the request
    return client.put(f"/api/movies/{slug}/ratings/", json={"rating": value})


def feed_tokens(*users) -> dict[int, str | None]:
    return {user.id: cache.get(USER_TOKEN_KEY.format(user.id)) for user in users}


def test_a_warm_rating_change_is_one_update_and_reaches_every_friend(redis_app_config, as_user, me, movie, count_queries):
    friends = [UserFactory() for _ in range(5)]
    for friend in friends:
        make_friends(me, friend)
    stranger = UserFactory()
    rating = RatingFactory(user=me, movie=movie, rating=3)
    with count_queries() as cold:
        assert put(as_user, me, 4).status_code == 200
    assert cold.count <= 4, cold.statements  # the caller's row, the movie's id, the UPDATE, the friends
    expected = {
        "id": rating.id,
        "user": f"{BASE}/api/users/{me.username}/",
        "movie": f"{BASE}/api/movies/the-movie/",
        "rating": 5,
        "created_at": as_user(me).get("/api/movies/the-movie/ratings/").get_json()["created_at"],
    }
    for value in (5, 5, 2):
        before = feed_tokens(me, *friends, stranger)
        with count_queries() as counter:
            response = put(as_user, me, value)
        assert (response.status_code, response.get_json()) == (200, {**expected, "rating": value})
        assert len(counter.statements) == 1 and counter.statements[0].lstrip().startswith("UPDATE ratings"), counter.statements
        after = feed_tokens(me, *friends, stranger)
        assert [user.id for user in (me, *friends) if after[user.id] == before[user.id]] == []
        assert after[stranger.id] == before[stranger.id]
    assert as_user(me).get("/api/movies/the-movie/ratings/").get_json() == {**expected, "rating": 2}
    assert db.session.scalar(db.select(Rating.rating)) == 2


def test_a_friend_made_in_another_process_is_reached_by_the_next_rating(redis_app_config, other_process, as_user, me, movie):
    RatingFactory(user=me, movie=movie, rating=3)
    assert put(as_user, me, 4).status_code == 200  # this process now holds the caller's (empty) friend list
    newcomer = UserFactory()
    with other_process.app_context():
        make_friends(db.session.merge(me), db.session.merge(newcomer))
    before = feed_tokens(newcomer)
    assert put(as_user, me, 5).status_code == 200
    assert feed_tokens(newcomer) != before


def test_a_friendship_write_whose_rows_are_unknown_makes_the_friends_be_read_again(
    redis_app_config, as_user, me, movie, count_queries
):
    friend = UserFactory()
    make_friends(me, friend)
    RatingFactory(user=me, movie=movie, rating=3)
    assert put(as_user, me, 4).status_code == 200
    db.session.execute(delete(Friendship).where(Friendship.user_id == -1))  # names no user: the catalogue token goes
    db.session.commit()
    with count_queries() as counter:
        assert put(as_user, me, 5).status_code == 200
    assert any("FROM friendships" in statement for statement in counter.statements), counter.statements
    before = feed_tokens(friend)
    assert put(as_user, me, 4).status_code == 200
    assert feed_tokens(friend) != before


def test_a_movie_deleted_or_renamed_in_another_process_is_not_rated_through_a_kept_id(
    redis_app_config, other_process, as_user, me, headers_for
):
    kept, renamed = MovieFactory(slug="kept"), MovieFactory(slug="renamed")
    RatingFactory(user=me, movie=kept, rating=3)
    RatingFactory(user=me, movie=renamed, rating=3)
    assert put(as_user, me, 4, "kept").status_code == 200
    assert put(as_user, me, 4, "renamed").status_code == 200
    staff = other_process.test_client()
    headers = headers_for(UserFactory(is_staff=True))
    assert staff.delete("/api/catalog/movies/kept/", headers=headers).status_code == 204
    assert staff.put("/api/catalog/movies/renamed/", json={"slug": "new-name"}, headers=headers).status_code == 200
    for slug in ("kept", "renamed"):
        response = put(as_user, me, 5, slug)
        assert (response.status_code, response.get_json()["model"], response.get_json()["lookup_value"]) == (404, "Movie", slug)
    response = put(as_user, me, 5, "new-name")
    assert (response.status_code, response.get_json()["movie"]) == (200, f"{BASE}/api/movies/new-name/")


def test_a_missing_rating_is_not_found_and_invalidates_nothing(redis_app_config, as_user, me, movie):
    RatingFactory(user=me, movie=movie, rating=3)
    assert put(as_user, me, 4).status_code == 200
    friend = UserFactory()
    make_friends(me, friend)
    db.session.execute(delete(Rating).execution_options(feed_users=(me.id,)))
    db.session.commit()
    before = feed_tokens(me, friend)
    response = put(as_user, me, 5)
    assert (response.status_code, response.get_json()) == (404, {"error": "Rating not found"})
    assert feed_tokens(me, friend) == before  # nothing changed: no feed is invalidated
