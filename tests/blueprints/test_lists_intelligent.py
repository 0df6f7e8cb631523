"""Intelligent lists (API.md 5.4, 6.7): validation of genres[], celebrities[] and friends[], then the
pipeline's movies stored with their positions, on a catalogue whose expected order follows from the weights."""

from __future__ import annotations

import json
from datetime import date

import pytest

from moviesx.extensions import cache, db
from moviesx.models import MovieList, MovieListItem
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
from tests.support.lists import HOST, make_list
from tests.support.recommender import mark_unseen, movie, rate, rate_many

CREATE = "/api/movies-lists/"
BODY = json.dumps({"name": "Smart", "privacity": "P"})


def urls(movies) -> list[str]:
    return [f"{HOST}/api/movies/{m.slug}/" for m in movies]


def stored_ids(list_id: int) -> list[tuple[int, int]]:
    rows = db.session.execute(
        db.select(MovieListItem.movie_id, MovieListItem.position)
        .where(MovieListItem.movie_list_id == list_id)
        .order_by(MovieListItem.position)
    )
    return [tuple(row) for row in rows]


def list_count() -> int:
    return db.session.scalar(db.select(db.func.count()).select_from(MovieList))


@pytest.fixture
def people(app, clock):
    owner = UserFactory(username="owner")
    friend, other_friend, stranger = UserFactory(username="pal"), UserFactory(username="buddy"), UserFactory(username="stranger")
    make_friends(owner, friend)
    make_friends(owner, other_friend)
    return owner, friend, other_friend, stranger


# --- Validation, before anything is saved --------------------------------------------------------


@pytest.fixture
def known(people):
    GenreFactory(slug="drama")
    GenreFactory(slug="gone-genre").delete()
    PersonFactory(slug="jane-doe")
    PersonFactory(slug="gone-person").delete()
    db.session.commit()
    make_friends(people[0], UserFactory(username="sleeper", is_active=False))
    return people


BAD_CRITERIA = [
    ("genres[]=nope", "Genre `nope` does not exist"),
    ("genres[]=drama&genres[]=bad-1&genres=bad-2", "Genre `bad-1` does not exist"),
    ("genres[]=gone-genre", "Genre `gone-genre` does not exist"),
    ("genres[]=Drama", "Genre `Drama` does not exist"),
    ("genres[]=bad&celebrities[]=bad&friends[]=bad", "Genre `bad` does not exist"),
    ("celebrities[]=nobody", "Celebrity `nobody` does not exist"),
    ("celebrities=jane-doe&celebrities=gone-person", "Celebrity `gone-person` does not exist"),
    ("genres[]=drama&celebrities[]=x&friends[]=y", "Celebrity `x` does not exist"),
    ("friends[]=stranger", "Friend `stranger` is not in your list"),
    ("friends[]=nobody_at_all", "Friend `nobody_at_all` is not in your list"),
    ("friends[]=owner", "Friend `owner` is not in your list"),
    ("friends[]=pal&friends[]=PAL", "Friend `PAL` is not in your list"),
    ("friends[]=sleeper", "Friend `sleeper` is not in your list"),
    ("genres[]=drama&celebrities[]=jane-doe&friends[]=pal&friends[]=stranger", "Friend `stranger` is not in your list"),
    ("genres[]=%60tick%60", "Genre ``tick`` does not exist"),
]


def test_fill_criteria_errors(as_user, known):
    owner = known[0]

    for query, expected in BAD_CRITERIA:
        response = as_user(owner).post(f"{CREATE}?intelligent=true&{query}", data=BODY)

        assert (response.status_code, response.get_json()) == (400, {"error": expected}), query
    assert list_count() == 0


def test_field_errors_and_duplicates_come_before_fill_errors(as_user, known):
    owner = known[0]
    make_list(owner, name="Taken", slug="taken")
    path = f"{CREATE}?intelligent=TRUE&genres[]=nope"

    bad_field = as_user(owner).post(path, data=json.dumps({"name": "?", "privacity": "P"}))
    duplicate = as_user(owner).post(path, data=json.dumps({"name": "taken", "privacity": "P"}))
    missing = as_user(owner).post(path, data=json.dumps({"name": "x"}))

    assert bad_field.get_json() == {"name": ["Enter a name that contains at least one letter or number."]}
    assert duplicate.get_json() == {"__all__": ["A movie list with this name already exists."]}
    assert missing.get_json() == {"error": "Missing required fields"}
    assert list_count() == 1


def test_fill_parameters_are_ignored_unless_intelligent_is_true(as_user, known):
    owner = known[0]
    movie()

    response = as_user(owner).post(f"{CREATE}?intelligent=yes&genres[]=nope", data=BODY)

    assert response.status_code == 201
    assert response.get_json()["movies"] == []


# --- The popularity fallback on a constructed catalogue ------------------------------------------


@pytest.fixture
def catalogue(people):
    """Every movie in genre `drama` unless said otherwise; the owner is on platform `mine`.

    Scores: celebrity +3, a 4+ rating by a friend named in friends[] +2.5, an award +0.7. Ties: popularity,
    then avg x count / (count + 10), then release date, then id (all descending).
    """
    owner, friend, other_friend, _ = people
    drama, comedy = GenreFactory(slug="drama"), GenreFactory(slug="comedy")
    mine, theirs = PlatformFactory(slug="mine"), PlatformFactory(slug="theirs")
    owner.platforms.append(mine)
    star, award = PersonFactory(slug="star"), AwardFactory()
    m = {}

    def add(name, *, genres=(drama,), platforms=(), awards=(), actors=(), directors=(), popularity=5, **kwargs):
        m[name] = movie(slug=name, popularity=popularity, **kwargs)
        link_movie(m[name], genres=genres, platforms=platforms, awards=awards, actors=actors, directors=directors)

    add("celeb-award", actors=[star], awards=[award], popularity=1)  # 1 + 3 + 0.7
    add("celeb", directors=[star], popularity=2)  # 1 + 3
    add("friend-liked", popularity=3)  # 1 + 2.5 when pal (rated it 4) is in friends[]
    add("award", awards=[award], platforms=[mine], popularity=4)  # 1 + 0.7, on the owner's platform
    add("popular", popularity=50)  # 1, the most popular
    add("weighted", released=date(2001, 1, 1))  # 1: two strangers' 5s give 5 x 2 / 12
    add("other-friend-liked")  # 1 unless buddy is named: buddy's 5 gives 5 x 1 / 11
    add("friend-disliked")  # 1: pal's 3 is no like; 3 x 1 / 11
    add("newer", released=date(2015, 1, 1))  # 1, no ratings, newer than the twins
    add("twin-a")  # identical twins: the higher id first
    add("twin-b")
    add("older", released=date(2005, 1, 1))
    add("comedy-celeb", genres=(comedy,), actors=[star], popularity=99)  # outside G
    add("their-platform", platforms=[theirs], actors=[star], popularity=99)  # not on the owner's platforms
    add("rated-by-owner", actors=[star], popularity=99)  # excluded: rated (2 stars, so no liked-genre restriction)
    add("unseen", actors=[star], popularity=99)  # excluded: marked unseen
    add("future", actors=[star], popularity=99, days_ahead=10)  # excluded: not released yet
    add("deleted", actors=[star], popularity=99)  # excluded: soft-deleted
    m["deleted"].delete()
    db.session.commit()
    strangers = UserFactory.create_batch(2)
    rate_many(
        [
            (friend, m["friend-liked"], 4),
            (other_friend, m["other-friend-liked"], 5),
            (friend, m["friend-disliked"], 3),
            (owner, m["rated-by-owner"], 2),
            (strangers[0], m["weighted"], 5),
            (strangers[1], m["weighted"], 5),
        ]
    )
    mark_unseen(owner, m["unseen"])
    cache.delete(AGGREGATE_KEY)
    return m


EQUALS = ["popular", "weighted", "other-friend-liked", "friend-disliked", "newer", "twin-b", "twin-a", "older"]
EXPECTED = ["celeb-award", "celeb", "friend-liked", "award", *EQUALS]


def slugs_of(body) -> list[str]:
    return [url.rsplit("/", 2)[1] for url in body["movies"]]


def test_fallback_fill_follows_the_weights(as_user, people, catalogue):
    owner = people[0]

    response = as_user(owner).post(
        f"{CREATE}?intelligent=true&genres[]=drama&celebrities[]=star&friends[]=pal",
        data=json.dumps({"name": "Smart", "privacity": "F"}),
    )

    assert response.status_code == 201
    body = response.get_json()
    assert body["movies"] == urls(catalogue[name] for name in EXPECTED)
    assert stored_ids(body["id"]) == [(catalogue[name].id, position) for position, name in enumerate(EXPECTED)]
    search = as_user(owner).get("/api/movies-lists/owner/smart/movies/searching/?limit=100").get_json()
    assert [movie["slug"] for movie in search["results"]] == EXPECTED
    assert as_user(owner).get("/api/movies-lists/owner/smart/").get_json()["movies"] == body["movies"]


def test_without_genres_there_is_no_genre_filter_and_without_friends_no_friend_boost(as_user, people, catalogue):
    body = as_user(people[0]).post(f"{CREATE}?intelligent=true&celebrities[]=star", data=BODY).get_json()

    assert slugs_of(body) == ["celeb-award", "comedy-celeb", "celeb", "award", *EQUALS, "friend-liked"]


def test_friend_boost_counts_only_the_friends_named(as_user, people, catalogue):
    body = as_user(people[0]).post(f"{CREATE}?intelligent=true&genres[]=drama&friends[]=buddy", data=BODY).get_json()

    assert slugs_of(body) == [
        "other-friend-liked",
        "award",
        "celeb-award",
        "popular",
        "weighted",
        "friend-disliked",
        "newer",
        "twin-b",
        "twin-a",
        "older",
        "friend-liked",
        "celeb",
    ]


def test_hand_added_movies_are_appended_after_the_filled_ones(as_user, people, catalogue):
    owner = people[0]
    body = as_user(owner).post(f"{CREATE}?intelligent=true&genres[]=drama&celebrities[]=star&friends[]=pal", data=BODY).get_json()

    response = as_user(owner).post("/api/movies-lists/owner/smart/comedy-celeb/")

    assert response.get_json()["movies"] == urls(catalogue[name] for name in [*EXPECTED, "comedy-celeb"])
    assert stored_ids(body["id"])[-1] == (catalogue["comedy-celeb"].id, len(EXPECTED))


def test_fill_is_capped_at_50_and_padded_by_release_date(as_user, people):
    owner = people[0]
    drama, comedy = GenreFactory(slug="drama"), GenreFactory(slug="comedy")
    liked = movie(popularity=0)
    comedies = [movie(popularity=p) for p in (1, 3, 2)]
    dramas = [movie(popularity=100, released=date(2000, 1, 1 + i % 28)) for i in range(60)]
    for m in [liked, *comedies]:
        link_movie(m, genres=[comedy])
    for m in dramas:
        link_movie(m, genres=[drama])
    rate(owner, liked, 5)  # the fallback keeps the liked genre; the padding brings the newest others

    body = as_user(owner).post(f"{CREATE}?intelligent=true", data=BODY).get_json()

    padding = sorted(dramas, key=lambda m: (m.release_date, m.id), reverse=True)[:47]
    assert body["movies"] == urls([comedies[1], comedies[2], comedies[0], *padding])


def test_empty_catalogue_gives_an_empty_intelligent_list(as_user, people):
    response = as_user(people[0]).post(f"{CREATE}?intelligent=true", data=BODY)

    assert response.status_code == 201
    assert response.get_json()["movies"] == []


# --- With a trained model ------------------------------------------------------------------------


def test_model_fill_keeps_the_model_order_under_the_boosts(as_user, app):
    group_one = [movie(popularity=0) for _ in range(3)]
    group_two = [movie(popularity=10) for _ in range(3)]
    fans_one, fans_two = UserFactory.create_batch(4), UserFactory.create_batch(4)
    probe = UserFactory(username="probe")
    rate_many(
        [(u, m, 5) for u in fans_one for m in group_one]
        + [(u, m, 5) for u in fans_two for m in group_two]
        + [(probe, group_one[0], 5), (probe, group_one[1], 5)]
    )
    assert recommender.retrain() is not None
    star = PersonFactory(slug="star")
    link_movie(group_two[1], actors=[star])

    plain = as_user(probe).post(f"{CREATE}?intelligent=true", data=json.dumps({"name": "Plain", "privacity": "R"})).get_json()
    boosted = as_user(probe).post(f"{CREATE}?intelligent=true&celebrities[]=star", data=BODY).get_json()

    # Unboosted, the model's pick for the probe (an unrated group-one movie) beats the more popular group two.
    assert plain["movies"][0] == urls([group_one[2]])[0]
    assert boosted["movies"][:2] == urls([group_two[1], group_one[2]])
    assert set(boosted["movies"]) == set(plain["movies"]) == set(urls([group_one[2], *group_two]))
    assert boosted["movies"] == urls_of_ids(recommend(probe, limit=50, celebrity_ids=[star.id], friend_ids=[]))
    mark_unseen(probe, group_one[2])
    again = as_user(probe).post(f"{CREATE}?intelligent=true", data=json.dumps({"name": "Again", "privacity": "R"})).get_json()
    assert urls([group_one[2]])[0] not in again["movies"]


def urls_of_ids(movie_ids) -> list[str]:
    from moviesx.models import Movie

    slugs = dict(db.session.execute(db.select(Movie.id, Movie.slug).where(Movie.id.in_(movie_ids))).all())
    return [f"{HOST}/api/movies/{slugs[i]}/" for i in movie_ids]
