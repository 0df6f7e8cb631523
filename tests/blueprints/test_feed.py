"""GET /api/movies/: the recommendation feed (API.md 5.3, 6.7)."""

from __future__ import annotations

from datetime import date

from moviesx.extensions import db
from moviesx.services.feed import invalidation, recommender
from tests.factories import (
    AwardFactory,
    GenreFactory,
    PersonFactory,
    PlatformFactory,
    UserFactory,
    link_movie,
    make_friends,
)
from tests.support.recommender import ids, many_movies, mark_unseen, movie, rate, rate_many


def feed_ids(as_user, user) -> list[int]:
    response = as_user(user).get("/api/movies/")
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()]


def test_requires_a_verified_user(client, as_user, app):
    assert client.get("/api/movies/").get_json() == {"error": "You need to be authenticated"}
    unverified = UserFactory(verified=False)
    response = as_user(unverified).get("/api/movies")
    assert response.status_code == 401
    assert response.get_json() == {"error": "User account is not verified"}


def test_plain_array_of_movie_objects(as_user, app):
    user = UserFactory()
    genre, platform, award, actor, director = GenreFactory(), PlatformFactory(), AwardFactory(), PersonFactory(), PersonFactory()
    film = movie(released=date(2011, 5, 6), title="Heat", slug="heat")
    link_movie(film, genres=[genre], platforms=[platform], awards=[award], actors=[actor], directors=[director])

    response = as_user(user).get("/api/movies/")
    assert response.status_code == 200
    assert response.get_json() == [
        {
            "id": film.id,
            "title": "Heat",
            "slug": "heat",
            "release_date": "2011-05-06",
            "synopsis": "Things happen.",
            "cover": "http://localhost/media/movies/covers/no-movie.png",
            "genres": [{"id": genre.id, "name": genre.name, "slug": genre.slug}],
            "platforms": [{"id": platform.id, "name": platform.name, "slug": platform.slug, "url": platform.url, "image": None}],
            "awards": [f"http://localhost/api/awards/{award.slug}/"],
            "actors": [f"http://localhost/api/persons/{actor.slug}/"],
            "directors": [f"http://localhost/api/persons/{director.slug}/"],
        }
    ]


def test_at_most_twenty_and_exclusions(as_user, app, clock):
    user = UserFactory()
    movies = [movie(released=date(1990 + i, 1, 1)) for i in range(25)]
    rated, unseen = movies[-1], movies[-2]
    future = movie(days_ahead=3)
    rate(user, rated, 5)
    mark_unseen(user, unseen)
    result = feed_ids(as_user, user)
    assert len(result) == 20
    assert rated.id not in result and unseen.id not in result and future.id not in result
    assert result == ids(reversed(movies[:-2]))[:20]


def test_platforms_boosts_and_padding(as_user, app):
    user, friend = UserFactory(), UserFactory()
    make_friends(user, friend)
    mine, other = PlatformFactory(), PlatformFactory()
    user.platforms.append(mine)
    db.session.commit()
    elsewhere = movie(popularity=50)
    link_movie(elsewhere, platforms=[other])
    popular = movie(popularity=10)
    awarded = movie(popularity=1)
    link_movie(awarded, awards=[AwardFactory()], platforms=[mine])
    friend_pick = movie(popularity=0)
    rate(friend, friend_pick, 5)
    assert feed_ids(as_user, user) == ids([friend_pick, awarded, popular])


def test_falls_back_without_model_and_for_unknown_users(as_user, app):
    action, drama = [movie(popularity=0) for _ in range(3)], [movie(popularity=5) for _ in range(3)]
    fans = UserFactory.create_batch(4)
    probe = UserFactory()
    rate_many([(u, m, 5) for u in fans for m in action] + [(probe, action[0], 5), (probe, action[1], 5)])
    newcomer = UserFactory()
    # No model yet: popularity for everyone.
    assert feed_ids(as_user, probe)[:3] == ids(reversed(drama))
    recommender.retrain()
    assert feed_ids(as_user, probe)[0] == action[2].id
    assert feed_ids(as_user, newcomer)[:3] == ids(reversed(drama))


def test_never_stale_after_rating_unseen_and_friendship_changes(as_user, app):
    user, friend = UserFactory(), UserFactory()
    first, second, third = movie(popularity=3, slug="first"), movie(popularity=2, slug="second"), movie(popularity=1)
    assert feed_ids(as_user, user) == ids([first, second, third])

    assert as_user(user).post("/api/movies/first/ratings/", json={"rating": 2}).status_code == 201
    assert feed_ids(as_user, user) == ids([second, third])

    assert as_user(user).post("/api/movies/second/unseen/").get_json() == {"success": True}
    assert feed_ids(as_user, user) == ids([third])
    assert as_user(user).delete("/api/movies/second/unseen/").get_json() == {"success": True}
    assert feed_ids(as_user, user) == ids([second, third])

    rate(friend, third, 5)
    assert feed_ids(as_user, user) == ids([second, third])  # not friends yet
    as_user(user).post(f"/api/users/{friend.username}/friend-requests/")
    assert as_user(friend).post(f"/api/users/{user.username}/friend-requests/").get_json() == {
        "status": "Friend request accepted"
    }
    assert feed_ids(as_user, user) == ids([third, second])
    assert as_user(user).delete(f"/api/users/friends/?username={friend.username}").status_code == 200
    assert feed_ids(as_user, user) == ids([second, third])


def test_query_count_does_not_grow_with_the_catalogue(as_user, app, count_queries):
    def measure(count: int, train: bool) -> int:
        user, friend = UserFactory(), UserFactory()
        make_friends(user, friend)
        movies = many_movies(count, genre=GenreFactory(), platform=PlatformFactory(), award=AwardFactory(), actor=PersonFactory())
        rate_many([(friend, m, 4) for m in movies] + [(user, movies[0], 5)])
        if train:
            recommender.retrain()
        client = as_user(user)
        client.get("/api/movies/")  # warm the shared rating aggregate, as a running server has it
        invalidation.invalidate(users={user.id})  # count the computed feed, not the cached one
        with count_queries() as counter:
            assert len(client.get("/api/movies/").get_json()) == 20
        return counter.count

    assert measure(25, train=False) == measure(75, train=False)
    assert measure(25, train=True) == measure(75, train=True)
