"""GET /api/users/<username>/stats/ (API.md 15) on a hand-built diary whose figures are worked out by hand below."""

from __future__ import annotations

from datetime import date

import pytest

from moviesx.services.diary.stats import average
from tests.factories import (
    GenreFactory,
    MovieFactory,
    PersonFactory,
    RatingFactory,
    UserFactory,
    WatchFactory,
    link_movie,
    make_friends,
)
from tests.support.catalog import genre_json
from tests.support.catalog import soft_delete as soft_delete_row
from tests.support.lists import HOST

# The diary of `me` (m1..m9 live movies, mx deleted; `other` is another user):
#
#   movie  watches (watched_on)                      rating  genres                    persons
#   m1     2025-06-01, 2026-01-10, 2026-01-20        5       drama, comedy, gone        pa (actor AND director), pc
#   m2     2026-02-14                                5       drama, doc, gone           pa (actor), pc
#   m3     2026-03-01, 2026-03-01                    3       drama, romance, gone       pb (director), pc
#   m4     2026-05-05                                3       drama, gone                pb, pc
#   m5     2026-05-06                                3       comedy, gone               pb, pc
#   m6     2026-07-04                                2       horror, gone               pd (actor), pc
#   m7     2026-12-31                                2       horror, gone               pc
#   m8     2026-12-31                                2       crime, gone                pe (actor), pc
#   m9     2025-08-08                                1       thriller                   pe
#   mx     2026-04-04 (movie deleted)                4       drama                      pa
#   (other user: m1 on 2026-01-01, rating 1)
#
# pc and `gone` are deleted. Rewatches: m1's 2026-01-10 and 2026-01-20 (after 2025-06-01), m3's second watch
# (same day, higher id).
#
# 2026: watches 10 (2+1+2+1+1+1+1+1), movies 8, rewatches 3; ratings of m1..m8: 5,5,3,3,3,2,2,2 -> {2: 3, 3: 3, 5: 2},
#   average 25 / 8 = 3.125 -> 3.13 (half up; binary floating point would give 3.12); by month: Jan 2, Feb 1, Mar 2,
#   Apr 0 (mx is deleted), May 2, Jul 1, Dec 2. Genres by distinct movies: drama 4 (m1 m2 m3 m4), comedy 2, horror 2,
#   crime 1, doc 1, romance 1 -> the first five by count then id: drama, comedy, horror, crime, doc. Persons: pb 3,
#   pa 2 (m1 once though credited twice, m2), pd 1, pe 1.
# All years: watches 12, movies 9, rewatches 3; ratings plus m9's 1 -> {1: 1, 2: 3, 3: 3, 5: 2}, average 26 / 9 =
#   2.888... -> 2.89; by_month null. Genres: thriller 1 joins the ones (still cut by id); persons: pe 2 (m8, m9).


@pytest.fixture
def diary(app):
    me, other = UserFactory(username="me"), UserFactory(username="other")
    genres = {name: GenreFactory(name=name.capitalize(), slug=name) for name in GENRES}
    persons = {name: PersonFactory(slug=name) for name in ("pa", "pb", "pc", "pd", "pe")}
    movies = {name: MovieFactory(slug=name) for name in (*(f"m{n}" for n in range(1, 10)), "mx")}
    for name, (days, rating, genre_names, credits) in DIARY.items():
        movie = movies[name]
        actors = [persons[p] for p in credits.get("actors", ())]
        directors = [persons[p] for p in credits.get("directors", ())]
        link_movie(movie, genres=[genres[g] for g in genre_names], actors=actors, directors=directors)
        for day in days:
            WatchFactory(user=me, movie=movie, watched_on=day)
        RatingFactory(user=me, movie=movie, rating=rating)
    WatchFactory(user=other, movie=movies["m1"], watched_on=date(2026, 1, 1))
    RatingFactory(user=other, movie=movies["m1"], rating=1)
    for deleted in (movies["mx"], genres["gone"], persons["pc"]):
        soft_delete_row(deleted)
    return {"me": me, "other": other, "genres": genres, "persons": persons}


GENRES = ("drama", "comedy", "horror", "crime", "doc", "romance", "thriller", "gone")
PC = {"actors": ("pc",)}
DIARY = {
    "m1": (
        [date(2025, 6, 1), date(2026, 1, 10), date(2026, 1, 20)],
        5,
        ("drama", "comedy", "gone"),
        {"actors": ("pa", "pc"), "directors": ("pa",)},
    ),
    "m2": ([date(2026, 2, 14)], 5, ("drama", "doc", "gone"), {"actors": ("pa", "pc")}),
    "m3": ([date(2026, 3, 1), date(2026, 3, 1)], 3, ("drama", "romance", "gone"), {"actors": ("pc",), "directors": ("pb",)}),
    "m4": ([date(2026, 5, 5)], 3, ("drama", "gone"), {"actors": ("pc",), "directors": ("pb",)}),
    "m5": ([date(2026, 5, 6)], 3, ("comedy", "gone"), {"actors": ("pc",), "directors": ("pb",)}),
    "m6": ([date(2026, 7, 4)], 2, ("horror", "gone"), {"actors": ("pd", "pc")}),
    "m7": ([date(2026, 12, 31)], 2, ("horror", "gone"), PC),
    "m8": ([date(2026, 12, 31)], 2, ("crime", "gone"), {"actors": ("pe", "pc")}),
    "m9": ([date(2025, 8, 8)], 1, ("thriller",), {"actors": ("pe",)}),
    "mx": ([date(2026, 4, 4)], 4, ("drama",), {"actors": ("pa",)}),
}


def person(slug: str) -> str:
    return f"{HOST}/api/persons/{slug}/"


def test_stats_of_one_year(as_user, diary):
    genres = diary["genres"]

    response = as_user(diary["me"]).get("/api/users/me/stats/?year=2026")

    assert response.status_code == 200
    assert response.get_json() == {
        "year": 2026,
        "watches": 10,
        "movies": 8,
        "rewatches": 3,
        "average_rating": 3.13,
        "ratings": {"1": 0, "2": 3, "3": 3, "4": 0, "5": 2},
        "by_month": [2, 1, 2, 0, 2, 0, 1, 0, 0, 0, 0, 2],
        "top_genres": [
            {"genre": genre_json(genres["drama"]), "count": 4},
            {"genre": genre_json(genres["comedy"]), "count": 2},
            {"genre": genre_json(genres["horror"]), "count": 2},
            {"genre": genre_json(genres["crime"]), "count": 1},
            {"genre": genre_json(genres["doc"]), "count": 1},
        ],
        "top_persons": [
            {"person": person("pb"), "count": 3},
            {"person": person("pa"), "count": 2},
            {"person": person("pd"), "count": 1},
            {"person": person("pe"), "count": 1},
        ],
    }


def test_stats_of_every_year(as_user, diary):
    genres = diary["genres"]

    body = as_user(diary["me"]).get("/api/users/me/stats/").get_json()

    assert body == {
        "year": None,
        "watches": 12,
        "movies": 9,
        "rewatches": 3,
        "average_rating": 2.89,
        "ratings": {"1": 1, "2": 3, "3": 3, "4": 0, "5": 2},
        "by_month": None,
        "top_genres": [
            {"genre": genre_json(genres["drama"]), "count": 4},
            {"genre": genre_json(genres["comedy"]), "count": 2},
            {"genre": genre_json(genres["horror"]), "count": 2},
            {"genre": genre_json(genres["crime"]), "count": 1},
            {"genre": genre_json(genres["doc"]), "count": 1},
        ],
        "top_persons": [
            {"person": person("pb"), "count": 3},
            {"person": person("pa"), "count": 2},
            {"person": person("pe"), "count": 2},
            {"person": person("pd"), "count": 1},
        ],
    }


def test_a_friend_sees_the_same_stats_and_an_ignored_year_means_every_year(as_user, diary):
    friend = UserFactory()
    make_friends(diary["me"], friend)

    mine = as_user(diary["me"]).get("/api/users/me/stats/").get_json()
    theirs = as_user(friend).get("/api/users/me/stats/?year=26").get_json()

    assert theirs == mine


def test_stats_of_an_empty_diary(as_user, app):
    me, friend = UserFactory(username="me"), UserFactory()
    make_friends(me, friend)
    WatchFactory(user=friend, watched_on=date(2026, 1, 1))
    empty = {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}

    all_years = as_user(friend).get("/api/users/me/stats/").get_json()
    one_year = as_user(friend).get("/api/users/me/stats/?year=2026").get_json()

    base = {"watches": 0, "movies": 0, "rewatches": 0, "average_rating": None, "ratings": empty}
    assert all_years == {"year": None, **base, "by_month": None, "top_genres": [], "top_persons": []}
    assert one_year == {"year": 2026, **base, "by_month": [0] * 12, "top_genres": [], "top_persons": []}


@pytest.mark.parametrize(
    ("histogram", "expected"),
    [
        ({}, None),
        ({3: 8}, 3.0),
        ({5: 2, 3: 3, 2: 3}, 3.13),  # 25 / 8 = 3.125: half up
        ({1: 1, 2: 1, 4: 2, 5: 4}, 3.88),  # 31 / 8 = 3.875
        ({1: 1, 2: 3, 3: 3, 5: 2}, 2.89),  # 26 / 9
        ({1: 2, 2: 1}, 1.33),  # 4 / 3
        ({1: 1, 2: 1, 3: 1, 4: 1, 5: 2}, 3.33),  # 20 / 6
        ({2: 13, 3: 27}, 2.68),  # 107 / 40 = 2.675 (round(2.675, 2) is 2.67 in binary floating point)
    ],
)
def test_average_is_rounded_half_up_in_decimal(histogram, expected):
    assert average(histogram) == expected


def test_stats_cost_the_same_queries_for_a_small_and_a_large_diary(as_user, app, count_queries):
    me = UserFactory(username="me")
    genre, star = GenreFactory(), PersonFactory()
    counts = []
    for size in (1, 40):
        for _ in range(size):
            movie = MovieFactory()
            link_movie(movie, genres=[genre], actors=[star])
            WatchFactory(user=me, movie=movie, watched_on=date(2026, 3, 3))
            RatingFactory(user=me, movie=movie, rating=4)
        as_user(me).get("/api/users/me/stats/?year=2026")
        with count_queries() as counter:
            body = as_user(me).get("/api/users/me/stats/?year=2026").get_json()
        counts.append(counter.count)
        assert body["top_genres"][0]["count"] == body["movies"]

    assert counts[0] == counts[1]
    assert counts[1] <= 10  # auth, owner, friendship, four aggregates and the genres' translations
