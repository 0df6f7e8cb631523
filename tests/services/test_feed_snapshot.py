"""The catalogue snapshot of the 6.7 pipeline: the same answers as the SQL path, rebuilt when the catalogue token
changes (here or in another process), absent while the cache cannot be trusted; both databases."""

from __future__ import annotations

import random
import time
from datetime import date

import pytest
from sqlalchemy import select, update

from moviesx.extensions import cache, db
from moviesx.models import Movie, Rating
from moviesx.services.feed import recommendations, recommender, snapshot
from moviesx.services.feed.recommendations import AGGREGATE_KEY, recommend
from moviesx.services.feed.tokens import CATALOG_TOKEN_KEY
from moviesx.services.outages import RETRY_SECONDS
from tests.factories import AwardFactory, GenreFactory, PersonFactory, PlatformFactory, UserFactory, link_movie, make_friends
from tests.support import outages
from tests.support.recommender import mark_unseen, movie, rate_many


def _varied_catalogue(seed: int):
    """Movies on some platforms, with genres, awards and credits (some of them soft-deleted), users with ratings,
    unseen marks, platforms and friends: enough that every rule of the pipeline decides something."""
    rng = random.Random(seed)
    genres, platforms = GenreFactory.create_batch(4), PlatformFactory.create_batch(3)
    awards, persons = AwardFactory.create_batch(2), PersonFactory.create_batch(4)
    films = [
        movie(popularity=float(rng.randint(0, 5)), released=date(2000 + rng.randint(0, 20), rng.randint(1, 12), 1))
        for _ in range(40)
    ]
    films.append(movie(days_ahead=3))
    for film in films:
        link_movie(
            film,
            genres=rng.sample(genres, rng.randint(0, 2)),
            platforms=rng.sample(platforms, rng.randint(0, 2)),
            awards=rng.sample(awards, rng.randint(0, 1)),
            actors=rng.sample(persons, rng.randint(0, 2)),
            directors=rng.sample(persons, rng.randint(0, 1)),
        )
    users = UserFactory.create_batch(8)
    rate_many([(user, film, rng.randint(1, 5)) for user in users for film in rng.sample(films, 12)])
    for user in users[:3]:
        mark_unseen(user, rng.choice([film for film in films if film not in user_rated(user)]))
    users[0].platforms.append(platforms[0])
    users[1].platforms.extend(platforms[1:])
    db.session.commit()
    make_friends(users[0], users[1])
    make_friends(users[0], users[2])
    films[5].delete()
    genres[3].delete()
    platforms[2].delete()
    awards[1].delete()
    persons[3].delete()
    db.session.commit()
    return users, genres, persons


def user_rated(user) -> list[Movie]:
    return list(db.session.scalars(select(Movie).join(Rating, Rating.movie_id == Movie.id).where(Rating.user_id == user.id)))


def _both_paths(monkeypatch, user, **options) -> tuple[list[int], list[int]]:
    cache.delete(AGGREGATE_KEY)
    in_memory = recommend(user, **options)
    with monkeypatch.context() as patch:
        patch.setattr(recommendations, "current_snapshot", lambda: None)
        with_sql = recommend(user, **options)
    return in_memory, with_sql


@pytest.mark.parametrize("trained", [False, True])
@pytest.mark.parametrize("seed", [1, 2])
def test_the_snapshot_answers_exactly_as_the_sql(app, monkeypatch, trained, seed):
    users, genres, persons = _varied_catalogue(seed)
    if trained:
        assert recommender.retrain() is not None
    assert snapshot.current_snapshot() is not None
    for user in users:
        for options in (
            {"limit": 20},
            {"limit": 5},
            {"limit": 50, "genre_ids": [genres[0].id, genres[3].id]},
            {"limit": 50, "genre_ids": []},
            {"limit": 50, "celebrity_ids": [persons[0].id, persons[3].id], "friend_ids": [users[1].id]},
            {"limit": 50, "friend_ids": []},
        ):
            in_memory, with_sql = _both_paths(monkeypatch, user, **options)
            assert in_memory == with_sql, (user.id, options)


def test_built_once_per_catalogue_token(app, count_queries):
    user = UserFactory()
    films = [movie(popularity=float(n)) for n in range(5)]
    expected = [films[4].id, films[3].id, films[2].id]
    user_id = user.id
    assert recommend(user, limit=3) == expected
    built = snapshot.current_snapshot()
    with count_queries() as counter:
        assert recommend(user, limit=3) == expected
    assert snapshot.current_snapshot() is built and user.id == user_id
    assert counter.count == 1, counter.statements  # the caller's own rows; the aggregate is cached
    films[4].delete()
    db.session.commit()  # a catalogue write replaces the token: the next feed sees it at once
    assert recommend(user, limit=3) == [films[3].id, films[2].id, films[1].id]
    assert snapshot.current_snapshot() is not built


def test_a_catalogue_write_by_another_process_is_seen(app):
    """Another process commits and replaces the token in the shared cache; this process's snapshot is dropped."""
    user = UserFactory()
    films = [movie(popularity=float(n)) for n in range(3)]
    assert recommend(user, limit=3)[0] == films[2].id
    with db.engine.begin() as connection:  # no session listener sees this write
        connection.execute(update(Movie).where(Movie.id == films[2].id).values(popularity=-1.0))
    assert recommend(user, limit=3)[0] == films[2].id  # same token: this process cannot know yet
    cache.set(CATALOG_TOKEN_KEY, "replaced-by-another-process", timeout=0)
    assert recommend(user, limit=3) == [films[1].id, films[0].id, films[2].id]


redis_proxy = outages.redis_proxy


@pytest.fixture
def cache_behind_proxy_config(app_config, redis_proxy):
    app_config.update(REDIS_URL=redis_proxy.url, CACHE_TYPE="RedisCache", CACHE_REDIS_URL=redis_proxy.url)
    return app_config


def test_no_snapshot_while_the_cache_cannot_be_trusted(cache_behind_proxy_config, redis_proxy, app):
    """While the cache is down (its tokens may miss invalidations) the pipeline runs its SQL, with the same answer;
    once the catalogue token is replaced after the outage, a new snapshot is built."""
    user, friend = UserFactory(), UserFactory()
    make_friends(user, friend)
    films = [movie(popularity=float(n)) for n in range(4)]
    rate_many([(friend, films[0], 5)])
    expected = [films[0].id, films[3].id, films[2].id]
    assert recommend(user, limit=3) == expected
    before = snapshot.current_snapshot()
    assert before is not None

    redis_proxy.cut()
    films[3].delete()
    db.session.commit()  # its invalidation is lost
    assert snapshot.current_snapshot() is None
    assert recommend(user, limit=3) == [films[0].id, films[2].id, films[1].id]
    redis_proxy.restore()
    time.sleep(RETRY_SECONDS)  # the next call may try the cache again
    after = snapshot.current_snapshot()
    assert after is not None and after.token != before.token
    assert recommend(user, limit=3) == [films[0].id, films[2].id, films[1].id]
