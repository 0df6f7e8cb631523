"""GET /api/movies/ is cached per user and never stale (API.md 6.7): each test warms the cache, writes, reads again."""

from __future__ import annotations

import json
import logging
import threading
import time

import pytest
from sqlalchemy import delete

from moviesx.config import REDIS_CACHE_TYPE
from moviesx.extensions import cache, db
from moviesx.models import Movie, MovieTranslation, UnseenMark
from moviesx.services.feed import cache as feed_cache
from moviesx.services.feed import invalidation, recommender, tokens
from tests.factories import AwardFactory, GenreFactory, PlatformFactory, UserFactory, link_movie, make_friends
from tests.support import outages
from tests.support.backends import stopped_redis_url
from tests.support.outages import counter
from tests.support.recommender import ids, mark_unseen, movie, rate, rate_many

log_of = outages.log_of
redis_proxy = outages.redis_proxy


def feed_ids(as_user, user) -> list[int]:
    response = as_user(user).get("/api/movies/")
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()]


def cached_entry(user):
    return cache.get(feed_cache.ENTRY_KEY.format(user.id))


@pytest.fixture
def staff(as_user):
    return as_user(UserFactory(is_staff=True))


def test_a_repeated_feed_comes_from_the_cache_byte_for_byte(as_user, count_queries):
    user = UserFactory()
    movie(popularity=2, title="Heat")
    movie(popularity=1)
    first = as_user(user).get("/api/movies/")
    assert cached_entry(user) is not None
    with count_queries() as counter:
        second = as_user(user).get("/api/movies/")
    assert counter.count == 0  # a current entry also vouches for the caller's row (see feed_cache)
    assert second.status_code == 200 and second.mimetype == "application/json"
    assert second.get_data() == first.get_data()
    assert second.get_json()[0]["title"] == "Heat"


@pytest.fixture
def uncached_config(app_config):
    app_config["FEED_CACHE_SECONDS"] = 0
    return app_config


def test_a_cached_feed_still_takes_the_ladder(as_user, app, client, clock, token_for):
    user = UserFactory(username="sleeper")
    movie()
    old_token = token_for(user)
    clock.advance(seconds=5)
    user.password_changed_at = clock()
    db.session.commit()
    clock.advance(seconds=5)
    fresh = {"Authorization": f"Bearer {token_for(user)}"}
    assert client.get("/api/movies/", headers=fresh).status_code == 200
    assert cached_entry(user) is not None

    invalid = {"detail": "Given token not valid for any token type", "code": "token_not_valid"}
    stale = client.get("/api/movies/", headers={"Authorization": f"Bearer {old_token}"})
    assert stale.status_code == 401 and stale.get_json().items() >= invalid.items()
    assert client.get("/api/movies/", headers={"Authorization": f"Bearer {old_token}x"}).status_code == 401
    assert client.get("/api/movies/", headers={"Authorization": "Basic abc"}).get_json() == {
        "error": "You need to be authenticated"
    }

    assert app.test_cli_runner().invoke(args=["users", "deactivate", "sleeper"]).exit_code == 0
    response = client.get("/api/movies/", headers=fresh)
    assert (response.status_code, response.get_json()) == (401, {"error": "Token is invalid"})


def test_a_cached_feed_counts_against_the_rate_limit(as_user, app):
    from limits import parse

    from moviesx.extensions import limiter
    from moviesx.http.throttle import BUCKETS

    app.config["RATELIMIT_ENABLED"] = True
    user = UserFactory()
    movie()
    assert as_user(user).get("/api/movies/").status_code == 200
    limit = parse(BUCKETS["user"])
    while limiter.strategy.hit(limit, "user", str(user.id)):
        pass
    response = as_user(user).get("/api/movies/")
    assert response.status_code == 429
    assert response.get_json()["detail"].startswith("Request was throttled. Expected available in ")


def test_feed_cache_seconds_zero_turns_it_off(uncached_config, as_user, count_queries):
    user = UserFactory()
    movie()
    as_user(user).get("/api/movies/")
    assert cached_entry(user) is None
    with count_queries() as counter:
        assert len(as_user(user).get("/api/movies/").get_json()) == 1
    assert counter.count > 1


def test_the_raters_feed_is_ready_when_they_come_back(as_user, count_queries):
    user = UserFactory()
    first, second = movie(popularity=2, slug="first"), movie(popularity=1, slug="second")
    assert feed_ids(as_user, user) == ids([first, second])
    # Without Redis the warming job runs inline once the response is closed.
    assert as_user(user).post("/api/movies/first/ratings/", json={"rating": 2}).status_code == 201
    assert as_user(user).post("/api/movies/second/unseen/").status_code == 200
    with count_queries() as counter:
        assert feed_ids(as_user, user) == []
    assert counter.count == 0


def test_own_rating_and_its_change_reach_the_feed(as_user):
    user = UserFactory()
    drama, comedy = GenreFactory(), GenreFactory()
    liked = movie(popularity=9, slug="liked")
    dramas = [movie(popularity=5), movie(popularity=4)]
    comedies = [movie(popularity=8)]
    for film in [liked, *dramas]:
        link_movie(film, genres=[drama])
    link_movie(comedies[0], genres=[comedy])
    assert feed_ids(as_user, user) == ids([liked, comedies[0], *dramas])

    assert as_user(user).post("/api/movies/liked/ratings/", json={"rating": 5}).status_code == 201
    # Fallback: only movies sharing a genre with what the user liked, then padding with the newest.
    assert feed_ids(as_user, user)[:2] == ids(dramas)
    assert as_user(user).put("/api/movies/liked/ratings/", json={"rating": 2}).status_code == 200
    assert feed_ids(as_user, user) == ids([comedies[0], *dramas])


def test_platforms_and_language_of_the_caller(as_user):
    user = UserFactory()
    mine, other = PlatformFactory(slug="mine"), PlatformFactory(slug="other")
    here, elsewhere = movie(popularity=2, title="Here"), movie(popularity=1)
    link_movie(here, platforms=[mine])
    link_movie(elsewhere, platforms=[other])
    db.session.add(MovieTranslation(movie_id=here.id, language="es", title="Aquí", synopsis="Cosas."))
    db.session.commit()
    assert feed_ids(as_user, user) == ids([here, elsewhere])

    assert as_user(user).put("/api/users/", json={"platforms": ["mine"]}).status_code == 200
    assert feed_ids(as_user, user) == ids([here])

    assert as_user(user).post("/api/users/preferred-language/", json={"preferred_language": "es"}).status_code == 200
    assert [item["title"] for item in as_user(user).get("/api/movies/").get_json()] == ["Aquí"]


def test_friendships_and_friends_ratings(as_user, app):
    user, friend = UserFactory(), UserFactory(username="pal")
    first, second = movie(popularity=2, slug="first"), movie(popularity=1, slug="second")
    assert feed_ids(as_user, user) == ids([first, second])

    assert as_user(user).post("/api/users/pal/friend-requests/").get_json() == {"status": "Friend request sent"}
    accepted = as_user(friend).post(f"/api/users/{user.username}/friend-requests/")
    assert accepted.get_json() == {"status": "Friend request accepted"}
    assert feed_ids(as_user, user) == ids([first, second])
    assert as_user(friend).post("/api/movies/second/ratings/", json={"rating": 5}).status_code == 201
    assert feed_ids(as_user, user) == ids([second, first])  # the friend's rating reached the user's cached feed
    assert as_user(friend).put("/api/movies/second/ratings/", json={"rating": 3}).status_code == 200
    assert feed_ids(as_user, user) == ids([first, second])
    assert as_user(friend).put("/api/movies/second/ratings/", json={"rating": 4}).status_code == 200
    assert feed_ids(as_user, user) == ids([second, first])

    runner = app.test_cli_runner()
    assert runner.invoke(args=["users", "deactivate", "pal"]).exit_code == 0
    assert feed_ids(as_user, user) == ids([first, second])  # an inactive user boosts nothing (API.md 10.1)
    assert runner.invoke(args=["users", "activate", "pal"]).exit_code == 0
    assert feed_ids(as_user, user) == ids([second, first])

    assert as_user(user).delete("/api/users/friends/?username=pal").status_code == 200
    assert feed_ids(as_user, user) == ids([first, second])


def test_a_friendship_made_after_the_friends_rating(as_user):
    user, friend = UserFactory(), UserFactory()
    first, second = movie(popularity=2), movie(popularity=1)
    rate(friend, second, 5)
    assert feed_ids(as_user, user) == ids([first, second])
    make_friends(user, friend)
    assert feed_ids(as_user, user) == ids([second, first])


def test_staff_catalogue_writes(as_user, staff):
    user = UserFactory()
    first = movie(popularity=3, slug="first", title="First")
    second = movie(popularity=2, slug="second")
    third = movie(popularity=1, slug="third")
    assert feed_ids(as_user, user) == ids([first, second, third])

    assert staff.put("/api/catalog/movies/first/", json={"title": "Renamed"}).status_code == 200
    assert as_user(user).get("/api/movies/").get_json()[0]["title"] == "Renamed"

    award = AwardFactory(slug="best")
    assert staff.put("/api/catalog/movies/third/", json={"awards": ["best"]}).status_code == 200
    assert feed_ids(as_user, user) == ids([third, first, second])
    assert staff.delete(f"/api/catalog/awards/{award.slug}/").status_code == 204
    assert feed_ids(as_user, user) == ids([first, second, third])

    assert staff.delete("/api/catalog/movies/second/").status_code == 204
    assert feed_ids(as_user, user) == ids([first, third])
    assert staff.post("/api/catalog/movies/second/restore/").status_code == 200
    assert feed_ids(as_user, user) == ids([first, second, third])


def test_catalogue_import_and_movielens_import(as_user, app, tmp_path):
    user = UserFactory()
    existing = movie(popularity=1)
    assert feed_ids(as_user, user) == ids([existing])

    imported = {"slug": "imported", "title": "Imported", "synopsis": "New.", "release_date": "2001-01-01", "popularity": 5}
    document = {"movies": [imported]}
    (tmp_path / "catalogue.json").write_text(json.dumps(document), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["catalog", "import", str(tmp_path / "catalogue.json")])
    assert result.exit_code == 0, result.output
    imported = db.session.query(Movie).filter_by(slug="imported").one()
    assert feed_ids(as_user, user) == ids([imported, existing])

    folder = tmp_path / "ml"
    folder.mkdir()
    (folder / "ml-tiny.inter").write_text("user_id:token\titem_id:token\trating:float\ttimestamp:float\n1\t1\t5\t874965758\n")
    (folder / "ml-tiny.item").write_text(
        "item_id:token\tmovie_title:token_seq\trelease_year:token\tclass:token_seq\n1\tToy\t1995\tAnimation\n"
    )
    (folder / "ml-tiny.user").write_text("user_id:token\tage:token\n1\t24\n")
    assert app.test_cli_runner().invoke(args=["movielens", "import", str(folder)]).exit_code == 0
    toy = db.session.query(Movie).filter_by(slug="ml-1-toy").one()
    assert toy.id in feed_ids(as_user, user)


def test_a_new_model_a_new_day_and_a_bulk_write(as_user, clock):
    fans, probe = UserFactory.create_batch(4), UserFactory()
    liked = [movie(popularity=0) for _ in range(3)]
    popular = [movie(popularity=5) for _ in range(3)]
    rate_many([(fan, film, 5) for fan in fans for film in liked] + [(probe, liked[0], 5), (probe, liked[1], 5)])
    upcoming = movie(days_ahead=1, popularity=100)
    assert feed_ids(as_user, probe)[:3] == ids(reversed(popular))

    recommender.retrain()
    assert feed_ids(as_user, probe)[0] == liked[2].id
    assert upcoming.id not in feed_ids(as_user, probe)
    clock.advance(days=1)
    assert upcoming.id in feed_ids(as_user, probe)

    mark_unseen(probe, liked[2])
    assert liked[2].id not in feed_ids(as_user, probe)
    # A bulk statement that does not name its users invalidates every feed.
    db.session.execute(delete(UnseenMark))
    db.session.commit()
    assert feed_ids(as_user, probe)[0] == liked[2].id


def test_fallback_aggregates_lag_at_most_sixty_seconds(as_user, clock):
    user, critic = UserFactory(), UserFactory()
    first, second = movie(), movie()
    assert feed_ids(as_user, user) == ids([second, first])  # newest first when nothing else differs
    rate(critic, first, 5)
    assert feed_ids(as_user, user) == ids([second, first])  # the shared aggregate may lag ...
    clock.advance(seconds=60)
    assert feed_ids(as_user, user) == ids([first, second])  # ... 60 seconds at most


def test_the_host_is_part_of_the_entry(as_user):
    user = UserFactory()
    film = movie(slug="heat")
    link_movie(film, awards=[AwardFactory(slug="oscar")])
    assert as_user(user).get("/api/movies/").get_json()[0]["awards"] == ["http://localhost/api/awards/oscar/"]
    other = as_user(user).get("/api/movies/", base_url="https://api.example.org")
    assert other.get_json()[0]["awards"] == ["https://api.example.org/api/awards/oscar/"]


@pytest.mark.parametrize("write", ["own rating", "friend's rating", "catalogue"])
def test_an_entry_computed_before_a_commit_is_never_served_after_it(as_user, write):
    """A slow reader that read the tokens before a commit and stores its entry after it: the entry is dead."""
    user, friend = UserFactory(), UserFactory()
    make_friends(user, friend)
    first, second = movie(popularity=2), movie(popularity=1)
    assert feed_ids(as_user, user) == ids([first, second])
    late = cached_entry(user)

    if write == "own rating":
        rate(user, first, 3)
        expected = ids([second])
    elif write == "friend's rating":
        rate(friend, second, 5)
        expected = ids([second, first])
    else:
        second.popularity = 9
        db.session.commit()
        expected = ids([second, first])
    cache.set(feed_cache.ENTRY_KEY.format(user.id), late)
    assert feed_ids(as_user, user) == expected


@pytest.fixture
def unreachable_cache_config(app_config):
    app_config.update(CACHE_TYPE=REDIS_CACHE_TYPE, CACHE_REDIS_URL=stopped_redis_url(), TESTS_CACHE_UNREACHABLE=True)
    return app_config


def test_without_a_cache_the_feed_is_computed(unreachable_cache_config, as_user):
    user = UserFactory()
    film = movie()
    assert feed_ids(as_user, user) == ids([film])


def test_on_redis(redis_app_config, as_user):
    user, friend = UserFactory(), UserFactory()
    make_friends(user, friend)
    first, second = movie(popularity=2), movie(popularity=1)
    assert feed_ids(as_user, user) == ids([first, second])
    assert cached_entry(user) is not None
    rate(friend, second, 5)
    assert feed_ids(as_user, user) == ids([second, first])
    mark_unseen(user, second)
    assert feed_ids(as_user, user) == ids([first])


@pytest.fixture
def unreachable_queue_config(app_config):
    app_config["REDIS_URL"] = stopped_redis_url()  # jobs go to a Redis that is down; the cache is the filesystem
    return app_config


def test_a_rating_succeeds_when_the_warm_up_cannot_be_enqueued(unreachable_queue_config, as_user):
    user = UserFactory()
    first, second = movie(popularity=2, slug="first"), movie(popularity=1)
    assert feed_ids(as_user, user) == ids([first, second])
    assert as_user(user).post("/api/movies/first/ratings/", json={"rating": 5}).status_code == 201
    assert feed_ids(as_user, user) == ids([second])


@pytest.fixture
def cache_behind_proxy_config(app_config, redis_proxy):
    """Cache and jobs on Redis through a proxy the test can cut; rate limits in memory."""
    app_config.update(REDIS_URL=redis_proxy.url, CACHE_TYPE=REDIS_CACHE_TYPE, CACHE_REDIS_URL=redis_proxy.url)
    return app_config


def test_a_feed_cached_before_a_redis_outage_is_not_served_after_it(
    cache_behind_proxy_config, redis_proxy, other_process, as_user, headers_for, log_of
):
    """API.md 6.7 and 21: invalidations missed while Redis was unreachable must not let it serve old entries."""
    records = log_of("moviesx.feed")
    user = UserFactory()
    x, y, z = movie(popularity=3, slug="x"), movie(popularity=2, slug="y"), movie(popularity=1, slug="z")
    assert feed_ids(as_user, user) == ids([x, y, z])
    assert cached_entry(user) is not None
    expected = ids([z])

    redis_proxy.cut()
    assert as_user(user).post("/api/movies/x/ratings/", json={"rating": 4}).status_code == 201
    assert as_user(user).post("/api/movies/y/unseen/").status_code == 200
    assert feed_ids(as_user, user) == expected  # computed
    redis_proxy.restore()

    # The process that missed the invalidations replaces the catalogue token within about a second, even unasked,
    # so that a process which never saw the outage stops serving the entry stored before it.
    other = other_process.test_client()
    deadline = time.monotonic() + 3
    while (seen := [item["id"] for item in other.get("/api/movies/", headers=headers_for(user)).get_json()]) != expected:
        assert time.monotonic() < deadline, f"another process still serves {seen}"
        time.sleep(0.05)
    assert feed_ids(as_user, user) == expected
    [warning] = records.at(logging.WARNING)
    assert warning.startswith("Feed cache unreachable (ConnectionError: ")
    assert records.at(logging.INFO) == ["Feed cache reachable again"]
    assert records.at(logging.ERROR) == []


def test_a_process_that_lost_the_cache_serves_no_entry_until_it_has_replaced_the_catalogue_token(
    cache_behind_proxy_config, redis_proxy, as_user, clock
):
    user = UserFactory()
    first, second = movie(popularity=2, slug="first"), movie(popularity=1, slug="second")
    assert feed_ids(as_user, user) == ids([first, second])
    redis_proxy.cut()
    assert as_user(user).post("/api/movies/first/unseen/").status_code == 200
    redis_proxy.restore()
    assert cached_entry(user) is not None  # Redis came back with the entry the unseen mark should have killed
    assert feed_ids(as_user, user) == ids([second])
    clock.advance(seconds=1)
    assert feed_ids(as_user, user) == ids([second])


def test_feed_cache_outcomes_are_counted(app, as_user):
    def outcomes():
        return {result: counter("moviesx_feed_cache", result=result) for result in ("hit", "miss", "bypass")}

    user = UserFactory()
    movie()
    before = outcomes()
    feed_ids(as_user, user)
    feed_ids(as_user, user)
    app.config["FEED_CACHE_SECONDS"] = 0
    feed_ids(as_user, user)
    after = outcomes()
    assert {result: after[result] - before[result] for result in after} == {"hit": 1, "miss": 1, "bypass": 1}


def test_an_invalidation_racing_a_reader_logs_nothing(redis_app_config, app, log_of):
    """A reader recreating a token right after an invalidation is not a failure (and the invalidation happened)."""
    records = log_of("moviesx.feed")
    user = UserFactory()
    key = tokens.USER_TOKEN_KEY.format(user.id)
    first = tokens.new_token(key)
    stop = threading.Event()

    def reader():
        with app.app_context():
            while not stop.is_set():
                tokens.new_token(key)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(300):
            invalidation.invalidate(users={user.id})
    finally:
        stop.set()
        thread.join()
    assert cache.get(key) != first
    # ERROR only: a warning may come from another test's app whose Redis went away (its flush timer outlives it)
    assert records.at(logging.ERROR) == []
