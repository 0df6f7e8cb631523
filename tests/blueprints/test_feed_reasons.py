"""GET /api/me/recommendations/: the feed's movies with the reasons they are there (API.md 17, 22)."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pytest
from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import Rating
from moviesx.services.feed import invalidation, recommender
from moviesx.services.feed.foldin import FoldedUser
from tests.factories import AwardFactory, GenreFactory, UserFactory, link_movie, make_friends
from tests.support.outages import counter
from tests.support.recommender import hand_built_model, ids, implicit_als, many_movies, movie, rate, rate_many, user_items

ROOT = "http://localhost"
LIKED_WEIGHTS = {5: 3, 4: 2, 3: 1}  # star weighting of training (before alpha, which implicit applies itself)


def recommendations(as_user, user) -> list[dict]:
    response = as_user(user).get("/api/me/recommendations/")
    assert response.status_code == 200
    return response.get_json()


def feed(as_user, user) -> list[dict]:
    response = as_user(user).get("/api/movies/")
    assert response.status_code == 200
    return response.get_json()


def kinds(item: dict) -> list[str]:
    return [reason["kind"] for reason in item["reasons"]]


def test_requires_a_verified_user(client, as_user):
    assert client.get("/api/me/recommendations/").get_json() == {"error": "You need to be authenticated"}
    response = as_user(UserFactory(verified=False)).get("/api/me/recommendations/")
    assert response.status_code == 401
    assert response.get_json() == {"error": "User account is not verified"}


def test_because_you_liked_names_the_largest_contributions(as_user, app):
    """On a hand-built model, the liked movies named are those implicit's own `explain` ranks first."""
    films = [movie(released=date(2000, 1, 1)) for _ in range(14)]
    model = hand_built_model(films, np.random.default_rng(11).normal(size=(len(films), 3)), regularization=0.3, alpha=1.5)
    newer = movie(released=date(2020, 1, 1))  # not in the model: only padding brings it
    user = UserFactory()
    stars = {films[0]: 5, films[1]: 4, films[2]: 4, films[3]: 5, films[4]: 4, films[5]: 3, films[6]: 1}
    rate_many([(user, film, value) for film, value in stars.items()])

    items = recommendations(as_user, user)
    assert [item["movie"] for item in items] == feed(as_user, user)

    als = implicit_als(model)
    weights = {film: LIKED_WEIGHTS[value] for film, value in stars.items() if value >= 3}
    row = user_items(model, weights)
    by_position = {int(np.searchsorted(model.item_ids, film.id)): film for film in films}
    candidates = films[7:]
    expected_named = {}
    for film in candidates:
        _, contributions, _ = als.explain(0, row, int(np.searchsorted(model.item_ids, film.id)), N=len(films))
        named = [by_position[position] for position, share in contributions if share > 0 and stars[by_position[position]] >= 4]
        expected_named[film.id] = [f"{ROOT}/api/movies/{liked.slug}/" for liked in named[:3]]
    assert any(len(named) == 3 for named in expected_named.values())  # the cap applies in this data
    assert len({tuple(named) for named in expected_named.values()}) > 1  # and the explanation depends on the movie

    by_id = {item["movie"]["id"]: item for item in items}
    assert set(by_id) == {film.id for film in candidates} | {newer.id}
    for film in candidates:
        reasons = by_id[film.id]["reasons"]
        if expected_named[film.id]:
            assert reasons == [{"kind": "because_you_liked", "movies": expected_named[film.id]}]
        else:
            assert reasons == []
    assert by_id[newer.id]["reasons"] == [{"kind": "padding"}]
    assert items[-1]["movie"]["id"] == newer.id
    # The order is the folded-in user's scores (no boosts apply here).
    folded = als.recalculate_user(0, row)
    scores = {film.id: float(model.item_factors[i] @ folded) for i, film in enumerate(films)}
    assert [item["movie"]["id"] for item in items[:-1]] == sorted(scores.keys() & by_id.keys(), key=lambda m: -scores[m])


def test_friends_awards_popular_and_padding(as_user, app, clock):
    user = UserFactory()
    friends = UserFactory.create_batch(5)
    stranger, gone = UserFactory(), UserFactory()
    for friend in [*friends, gone]:
        make_friends(user, friend)
    drama, comedy = GenreFactory(), GenreFactory()
    liked = movie(popularity=0)
    favourite = movie(popularity=5, released=date(2001, 1, 1))
    plain = movie(popularity=1, released=date(2002, 1, 1))
    padded = movie(popularity=9, released=date(2003, 1, 1))
    link_movie(liked, genres=[drama])
    link_movie(favourite, genres=[drama])
    link_movie(plain, genres=[drama])
    awards = AwardFactory.create_batch(5)
    link_movie(favourite, awards=awards)
    link_movie(padded, genres=[comedy], awards=[awards[0]])
    awards[1].delete()
    db.session.commit()
    rate(user, liked, 5)  # the fallback keeps the drama genre: `padded` (a comedy) comes from padding
    for friend in friends[:4]:
        clock.advance(minutes=1)
        rate(friend, favourite, 4 if friend is friends[0] else 5)
    clock.advance(minutes=1)
    rate(friends[4], favourite, 3)  # not a like
    rate(stranger, favourite, 5)  # not a friend
    rate(gone, favourite, 5)
    gone.is_active = False
    db.session.commit()
    clock.advance(minutes=1)
    rating = db.session.scalars(select(Rating).filter_by(user_id=friends[0].id)).one()
    rating.rating = 5  # a changed rating is the most recent one
    db.session.commit()

    items = recommendations(as_user, user)
    assert [item["movie"]["id"] for item in items] == [favourite.id, plain.id, padded.id]
    assert items[0]["reasons"] == [
        {
            "kind": "friends_liked",
            "users": [f"{ROOT}/api/users/{friend.username}/" for friend in (friends[0], friends[3], friends[2])],
            "count": 4,
        },
        {"kind": "awards", "awards": [f"{ROOT}/api/awards/{award.slug}/" for award in (awards[0], awards[2], awards[3])]},
        {"kind": "popular"},
    ]
    assert items[1]["reasons"] == [{"kind": "popular"}]
    assert items[2]["reasons"] == [{"kind": "awards", "awards": [f"{ROOT}/api/awards/{awards[0].slug}/"]}, {"kind": "padding"}]


@pytest.mark.parametrize("seconds", [600, 0], ids=["cached", "uncached"])
def test_the_two_routes_agree_movie_for_movie(as_user, app, seconds):
    app.config["FEED_CACHE_SECONDS"] = seconds
    films = [movie(popularity=i) for i in range(30)]
    fans, user = UserFactory.create_batch(3), UserFactory()
    rate_many([(fan, film, 5) for fan in fans for film in films[::2]] + [(user, films[0], 5), (user, films[2], 4)])
    for step in range(3):
        if step == 1:
            recommender.retrain()
        if step == 2:
            rate(user, films[4], 5)
        listed = [item["movie"] for item in recommendations(as_user, user)]
        assert listed == feed(as_user, user)
        assert [item["movie"] for item in recommendations(as_user, user)] == listed
        assert len(listed) == 20


def test_both_routes_serve_the_same_cached_entry(as_user, app):
    def hits() -> float:
        return counter("moviesx_feed_cache", result="hit")

    films = [movie() for _ in range(4)]
    hand_built_model(films, np.eye(4))
    user = UserFactory()
    rate(user, films[0], 5)
    body = as_user(user).get("/api/movies/").get_data()
    before = hits()
    items = recommendations(as_user, user)
    assert hits() == before + 1
    assert [item["movie"] for item in items] == json.loads(body)
    invalidation.invalidate(users={user.id})
    recommendations(as_user, user)
    assert hits() == before + 1  # a new computation, stored for the feed
    assert as_user(user).get("/api/movies/").get_data() == body
    assert hits() == before + 2


def test_a_user_unknown_to_the_model_who_rates_five_movies_gets_model_candidates_next(as_user, app):
    action = [movie(popularity=0, slug=f"action-{i}") for i in range(8)]
    drama = [movie(popularity=10) for _ in range(8)]
    fans = UserFactory.create_batch(4)
    rate_many([(fan, film, 5) for fan in fans for film in action] + [(fan, film, 4) for fan in fans[:2] for film in drama])
    recommender.retrain()
    newcomer = UserFactory()
    assert newcomer.id not in recommender.loaded_model().user_index
    before = recommendations(as_user, newcomer)
    assert all(kinds(item) == ["popular"] for item in before)
    assert [item["movie"]["id"] for item in before[:8]] == [film.id for film in reversed(drama)]

    for film in action[:5]:
        assert as_user(newcomer).post(f"/api/movies/{film.slug}/ratings/", json={"rating": 5}).status_code == 201
    after = recommendations(as_user, newcomer)
    assert {item["movie"]["id"] for item in after[:3]} == {film.id for film in action[5:]}
    assert all("popular" not in kinds(item) for item in after)
    assert all(kinds(item)[0] == "because_you_liked" for item in after[:3])
    assert [item["movie"] for item in after] == feed(as_user, newcomer)


def test_fold_in_follows_the_watchlist_at_once(as_user, app):
    films = [movie(slug=f"film-{i}") for i in range(10)]
    model = hand_built_model(films, np.random.default_rng(6).normal(size=(len(films), 3)), regularization=0.3)
    user = UserFactory()
    rate(user, films[0], 5)
    before = recommendations(as_user, user)
    assert as_user(user).post("/api/movies/film-1/watchlist/").status_code == 201
    after = recommendations(as_user, user)
    assert films[1].id not in [item["movie"]["id"] for item in after]  # the feed excludes the watchlist (API.md 14)
    # The entry weighs as a 3-star rating: the order is that of implicit's fold-in with both positives.
    folded = implicit_als(model).recalculate_user(0, user_items(model, {films[0]: 3, films[1]: 1}))
    scores = {film.id: float(model.item_factors[i] @ folded) for i, film in enumerate(films)}
    expected = sorted((film.id for film in films[2:]), key=lambda movie_id: -scores[movie_id])
    assert [item["movie"]["id"] for item in after] == expected
    without_entry = implicit_als(model).recalculate_user(0, user_items(model, {films[0]: 3}))
    unchanged = sorted(
        (film.id for film in films[2:]), key=lambda m: -float(model.item_factors[ids(films).index(m)] @ without_entry)
    )
    assert unchanged != expected  # the entry moved the order: it counted
    # A watchlisted movie is never a `because_you_liked`: it is not rated.
    named = {url for item in after for reason in item["reasons"] for url in reason.get("movies", [])}
    assert named <= {f"{ROOT}/api/movies/film-0/"}
    assert as_user(user).delete("/api/movies/film-1/watchlist/").status_code == 200
    assert recommendations(as_user, user) == before


def test_watchlist_entries_do_not_count_toward_a_retrain(as_user, app):
    app.config["RECOMMENDER_RETRAIN_AFTER"] = 2
    films = [movie(slug=f"film-{i}") for i in range(3)]
    user = UserFactory()
    for slug in ("film-0", "film-1"):
        assert as_user(user).post(f"/api/movies/{slug}/watchlist/").status_code == 201
    assert recommender.stored_version() is None
    assert as_user(user).post("/api/movies/film-2/ratings/", json={"rating": 5}).status_code == 201
    assert recommender.stored_version() is None  # one change so far
    assert as_user(user).put("/api/movies/film-2/ratings/", json={"rating": 4}).status_code == 200
    assert recommender.stored_version() is not None  # the second one: retrained (inline, without Redis)
    assert recommender.stored_payload()["item_ids"].tolist() == [film.id for film in films]


def test_query_count_does_not_grow_with_the_feed(as_user, app, count_queries):
    def measure(count: int) -> int:
        user, friends = UserFactory(), UserFactory.create_batch(4)
        for friend in friends:
            make_friends(user, friend)
        films = many_movies(count, award=AwardFactory(), every=1)
        hand_built_model(films, np.random.default_rng(count).normal(size=(count, 3)))
        rate_many([(user, films[0], 5), (user, films[1], 4)] + [(friend, film, 5) for friend in friends for film in films])
        client = as_user(user)
        client.get("/api/movies/")  # cached: the route reads the entry, then the reasons' own queries
        with count_queries() as counter:
            items = client.get("/api/me/recommendations/").get_json()
        assert len(items) == min(20, count - 2)
        assert all(kinds(item)[-2:] == ["friends_liked", "awards"] for item in items[: count - 2])
        return counter.count

    assert measure(8) == measure(40)


@pytest.mark.parametrize("seconds", [600, 0], ids=["cached", "uncached"])
def test_the_feed_explains_its_scores_only_for_an_entry_or_the_reasons(as_user, app, monkeypatch, seconds):
    """A feed computed and not stored does not explain its model scores (GET /api/movies/ shows no reasons); a stored
    entry and GET /api/me/recommendations/ do, from the same folded-in user."""
    app.config["FEED_CACHE_SECONDS"] = seconds
    films = [movie() for _ in range(6)]
    hand_built_model(films, np.random.default_rng(5).normal(size=(6, 3)))
    user = UserFactory()
    rate_many([(user, films[0], 5), (user, films[1], 4)])
    explained = []
    explain = FoldedUser.explain
    monkeypatch.setattr(FoldedUser, "explain", lambda self, movie_ids: explained.append(1) or explain(self, movie_ids))
    body = feed(as_user, user)
    assert len(explained) == (1 if seconds else 0)
    items = recommendations(as_user, user)
    assert [item["movie"] for item in items] == body
    assert len(explained) == 1  # cached: the entry's; uncached: the reasons' own computation
    assert any(kinds(item) == ["because_you_liked"] for item in items)
