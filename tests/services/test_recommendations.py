"""The shared pipeline of API.md 6.7, exercised without HTTP on both databases."""

from __future__ import annotations

from datetime import date

import pytest

from moviesx.extensions import cache
from moviesx.models import Movie
from moviesx.services.feed import recommender
from moviesx.services.feed.recommendations import AGGREGATE_KEY, recommend
from tests.factories import (
    AwardFactory,
    GenreFactory,
    PersonFactory,
    PlatformFactory,
    UserFactory,
    link_movie,
    make_friends,
)
from tests.support.recommender import ids, mark_unseen, model_ranking, movie, rate, rate_many


def test_fallback_order_popularity_then_weighted_rating_then_release_then_id(app):
    user = UserFactory()
    others = UserFactory.create_batch(3)
    popular = movie(popularity=9.0)
    well_rated = movie(popularity=1.0)
    badly_rated = movie(popularity=1.0)
    newer = movie(popularity=0.0, released=date(2015, 1, 1))
    older_high_id = movie(popularity=0.0, released=date(2012, 1, 1))
    older_low_id_first = movie(popularity=0.0, released=date(2012, 1, 1))
    rate_many([(o, well_rated, 5) for o in others] + [(o, badly_rated, 3) for o in others])

    assert recommend(user, limit=10) == ids([popular, well_rated, badly_rated, newer, older_low_id_first, older_high_id])


def test_exclusions_rated_unseen_future_and_deleted(app, clock):
    user = UserFactory()
    rated, unseen, future, deleted, kept = (movie(), movie(), movie(days_ahead=1), movie(), movie())
    released_today = movie(days_ahead=0)
    rate(user, rated, 2)
    mark_unseen(user, unseen)
    deleted.delete()
    from moviesx.extensions import db

    db.session.commit()

    result = recommend(user, limit=20)
    assert set(result) == {kept.id, released_today.id}
    clock.advance(days=1)
    assert future.id in recommend(user, limit=20)


def test_liked_genres_restrict_the_fallback_and_padding_fills_up(app):
    user = UserFactory()
    drama, comedy = GenreFactory(), GenreFactory()
    liked = movie()
    link_movie(liked, genres=[drama])
    same_genre = movie(popularity=1.0, released=date(2001, 1, 1))
    link_movie(same_genre, genres=[drama, comedy])
    other_genre = movie(popularity=5.0, released=date(2005, 1, 1))
    link_movie(other_genre, genres=[comedy])
    no_genre = movie(popularity=9.0, released=date(2003, 1, 1))
    rate(user, liked, 4)

    # Candidates keep only the drama movie; padding then appends the rest newest first.
    assert recommend(user, limit=3) == ids([same_genre, other_genre, no_genre])
    assert recommend(user, limit=1) == ids([same_genre])


def test_low_ratings_do_not_restrict_genres(app):
    user = UserFactory()
    drama = GenreFactory()
    disliked = movie()
    link_movie(disliked, genres=[drama])
    unrelated = movie(popularity=3.0)
    rate(user, disliked, 3)
    assert recommend(user, limit=5) == ids([unrelated])


def test_platform_rule_keeps_user_platforms_or_none(app):
    mine, theirs = PlatformFactory(), PlatformFactory()
    user = UserFactory()
    user.platforms.append(mine)
    from moviesx.extensions import db

    db.session.commit()
    on_mine, on_theirs, on_both, on_none = movie(popularity=4), movie(popularity=3), movie(popularity=2), movie(popularity=1)
    link_movie(on_mine, platforms=[mine])
    link_movie(on_theirs, platforms=[theirs])
    link_movie(on_both, platforms=[mine, theirs])

    assert recommend(user, limit=20) == ids([on_mine, on_both, on_none])
    # A user without platforms sees everything.
    assert recommend(UserFactory(), limit=20) == ids([on_mine, on_theirs, on_both, on_none])


def test_boosts_friend_likes_awards_and_celebrities(app):
    user, friend, stranger, inactive_friend = UserFactory(), UserFactory(), UserFactory(), UserFactory()
    make_friends(user, friend)
    make_friends(user, inactive_friend)
    inactive_friend.is_active = False
    from moviesx.extensions import db

    db.session.commit()
    plain = movie(popularity=100)
    awarded = movie(popularity=1)
    link_movie(awarded, awards=[AwardFactory()])
    friend_liked = movie(popularity=2)
    friend_lukewarm = movie(popularity=50)
    stranger_liked = movie(popularity=60)
    inactive_liked = movie(popularity=70)
    star = PersonFactory()
    starring = movie(popularity=0)
    link_movie(starring, directors=[star])
    rate_many(
        [
            (friend, friend_liked, 4),
            (friend, friend_lukewarm, 3),
            (stranger, stranger_liked, 5),
            (inactive_friend, inactive_liked, 5),
        ]
    )

    feed = recommend(user, limit=20)
    assert feed[:2] == ids([friend_liked, awarded])
    assert feed[2:] == ids([plain, inactive_liked, stranger_liked, friend_lukewarm, starring])

    listed = recommend(user, limit=50, celebrity_ids=[star.id], friend_ids=[])
    assert listed[:2] == ids([starring, awarded])
    assert recommend(user, limit=50, friend_ids=[stranger.id])[0] == awarded.id  # not a friend: no boost
    assert recommend(user, limit=50, friend_ids=[friend.id])[0] == friend_liked.id


def test_genre_filter_of_lists_applies_to_candidates_and_padding(app):
    user = UserFactory()
    drama, comedy = GenreFactory(), GenreFactory()
    liked = movie()
    link_movie(liked, genres=[drama])
    rate(user, liked, 5)
    in_both = movie(popularity=2)
    link_movie(in_both, genres=[drama, comedy])
    comedy_only = movie(popularity=1)
    link_movie(comedy_only, genres=[comedy])
    movie(popularity=9)  # no genre: filtered out of lists with G

    assert recommend(user, limit=50, genre_ids=[comedy.id]) == ids([in_both, comedy_only])
    assert recommend(user, limit=50, genre_ids=[]) == []


def test_limit_and_padding_order(app):
    user = UserFactory()
    movies = [movie(released=date(2000 + i, 1, 1)) for i in range(25)]
    assert recommend(user, limit=20) == ids(reversed(movies))[:20]


def test_rating_aggregate_is_cached_but_per_user_data_is_not(app):
    user, other = UserFactory(), UserFactory()
    first, second = movie(), movie()
    assert recommend(user, limit=5) == ids([second, first])
    assert cache.get(AGGREGATE_KEY)[1] == {}
    rate(other, first, 5)
    # The global aggregate may lag (here it is still cached) ...
    assert recommend(user, limit=5) == ids([second, first])
    cache.delete(AGGREGATE_KEY)
    assert recommend(user, limit=5) == ids([first, second])
    # ... but the user's own writes never do.
    rate(user, first, 1)
    assert recommend(user, limit=5) == ids([second])


def _train_two_taste_groups():
    """Users 0-3 like movies a/b/c; users 4-7 like d/e/f; probe likes a and b only."""
    group_one = [movie(popularity=0) for _ in range(3)]
    group_two = [movie(popularity=10) for _ in range(3)]
    fans_one, fans_two = UserFactory.create_batch(4), UserFactory.create_batch(4)
    probe = UserFactory()
    rate_many(
        [(u, m, 5) for u in fans_one for m in group_one]
        + [(u, m, 5) for u in fans_two for m in group_two]
        + [(probe, group_one[0], 5), (probe, group_one[1], 5)]
    )
    return group_one, group_two, probe


def test_model_path_ranks_by_the_model_and_unknown_users_fall_back(app):
    group_one, group_two, probe = _train_two_taste_groups()
    assert recommender.retrain() is not None

    # The model puts the probe's unrated group-one movie first, although group two is more popular.
    assert recommend(probe, limit=4)[0] == group_one[2].id
    newcomer = UserFactory()
    assert recommend(newcomer, limit=3) == ids(reversed(group_two))  # unknown to the model: popularity fallback


def test_model_candidates_still_get_filters_and_boosts(app):
    group_one, group_two, probe = _train_two_taste_groups()
    recommender.retrain()
    friend = UserFactory()
    make_friends(probe, friend)
    rate(friend, group_two[2], 4)
    mark_unseen(probe, group_one[2])
    result = recommend(probe, limit=20)
    assert result[0] == group_two[2].id
    assert group_one[2].id not in result and group_one[0].id not in result


def test_query_count_does_not_grow_with_candidates(app, count_queries):
    def measure(movie_count: int, trained: bool) -> int:
        user, friend = UserFactory(), UserFactory()
        make_friends(user, friend)
        platform, genre = PlatformFactory(), GenreFactory()
        user.platforms.append(platform)
        movies = [movie(popularity=i) for i in range(movie_count)]
        for m in movies[::3]:
            link_movie(m, platforms=[platform], genres=[genre], awards=[AwardFactory()])
        rate_many([(friend, m, 5) for m in movies] + [(user, movies[0], 5)])
        if trained:
            recommender.retrain()
        cache.delete(AGGREGATE_KEY)
        celebrity = PersonFactory()
        with count_queries() as counter:
            result = recommend(user, limit=20, celebrity_ids=[celebrity.id])
        assert len(result) == 20 or movie_count == 10
        return counter.count

    small = measure(10, trained=False)
    large = measure(60, trained=False)
    assert small == large
    assert measure(10, trained=True) == measure(60, trained=True)


def test_deleted_movies_and_future_ones_never_come_from_the_model(app, clock):
    group_one, group_two, probe = _train_two_taste_groups()
    recommender.retrain()
    group_one[2].delete()
    from moviesx.extensions import db

    db.session.commit()
    result = recommend(probe, limit=20)
    assert group_one[2].id not in result
    assert set(result) == set(ids(group_two)) | {group_one[2].id} - {group_one[2].id}
    assert all(db.session.get(Movie, movie_id) is not None for movie_id in result)


@pytest.mark.parametrize("trained", [False, True])
def test_soft_deleted_platforms_awards_genres_and_persons_count_for_nothing(app, trained):
    """Every rule of the pipeline looks at live rows only, on the fallback and on the model path."""
    from moviesx.extensions import db

    gone_platform, live_platform = PlatformFactory(), PlatformFactory()
    gone_genre, live_genre = GenreFactory(), GenreFactory()
    gone_award, gone_star = AwardFactory(), PersonFactory()
    fans, user, friend, subscriber = UserFactory.create_batch(3), UserFactory(), UserFactory(), UserFactory()
    user.platforms.append(gone_platform)
    subscriber.platforms.append(live_platform)
    db.session.commit()
    make_friends(user, friend)
    liked, seen = movie(popularity=0), movie(popularity=0)
    only_gone_platform = movie(popularity=3)  # on no live platform: allowed for everyone
    on_live_platform = movie(popularity=2)  # allowed: the user's only platform is gone, so they have none
    decorated = movie(popularity=1)  # awarded and starring only through deleted rows: no boost
    link_movie(liked, genres=[gone_genre])
    link_movie(only_gone_platform, platforms=[gone_platform], genres=[live_genre])
    link_movie(on_live_platform, platforms=[live_platform], genres=[live_genre])
    link_movie(decorated, awards=[gone_award], directors=[gone_star], genres=[live_genre])
    candidates = [only_gone_platform, on_live_platform, decorated]
    # Three stars: known to the model, but no liked genres restrict the fallback.
    rate_many(
        [(fan, film, 5) for fan in fans for film in [liked, seen, *candidates]]
        + [(u, m, 3) for u in (user, subscriber) for m in (liked, seen)]
    )
    for row in (gone_platform, gone_genre, gone_award, gone_star):
        row.delete()
    db.session.commit()
    if trained:
        assert recommender.retrain() is not None
    cache.delete(AGGREGATE_KEY)

    # Nothing gets a boost, so the order is the model's or the popularity's.
    if trained:
        expected = [movie_id for movie_id in model_ranking(user.id, 100) if movie_id in ids(candidates)]
    else:
        expected = ids(candidates)
    assert recommend(user, limit=3) == expected
    assert recommend(user, limit=3, celebrity_ids=[gone_star.id], friend_ids=[friend.id]) == expected
    assert recommend(user, limit=3, genre_ids=[gone_genre.id]) == []
    assert recommend(user, limit=3, genre_ids=[live_genre.id]) == expected
    # A movie only on a deleted platform is on no platform: allowed for a user with a live one.
    assert set(recommend(subscriber, limit=3)) == set(expected)
