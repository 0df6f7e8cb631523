"""The diary (API.md 15): logging a watch and its effects, `rewatch` as logged, deleting (listing: test_diary_listing)."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest

from moviesx.extensions import db
from moviesx.models import Rating, UnseenMark, Watch, WatchlistEntry
from moviesx.services.feed import recommender
from tests.blueprints.test_friends_concurrency import at_once
from tests.factories import (
    MovieFactory,
    RatingFactory,
    UserFactory,
    WatchFactory,
    WatchlistEntryFactory,
)
from tests.support.catalog import movie_json
from tests.support.lists import HOST, iso

TODAY = date(2026, 5, 10)
FUTURE = {"watched_on": ["Date cannot be in the future."]}
DIARY_NOT_FOUND = {"error": "Diary not found"}


@pytest.fixture
def me(app, clock):
    clock.now = datetime(2026, 5, 10, 21, 30, 0, 250000)
    return UserFactory(username="me")


@pytest.fixture
def movie(app):
    return MovieFactory(slug="parasite")


def log(as_user, user, slug="parasite", body=None, **kwargs):
    data = kwargs.pop("data", None)
    if data is None and body is not None:
        data = json.dumps(body)
    return as_user(user).post(f"/api/movies/{slug}/watches/", data=data if data is not None else b"", **kwargs)


def watch_json(watch: Watch, movie, *, rewatch: bool, username: str = "me") -> dict:
    return {
        "id": watch.id,
        "user": f"{HOST}/api/users/{username}/",
        "movie": movie_json(movie),
        "watched_on": watch.watched_on.isoformat(),
        "rewatch": rewatch,
        "rating": watch.rating,
        "note": watch.note,
        "created_at": iso(watch.created_at),
    }


def rating_of(user, movie) -> int | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Rating.rating).where(Rating.user_id == user.id, Rating.movie_id == movie.id))


# --- Logging a watch -----------------------------------------------------------------------------


def test_an_empty_body_logs_today_without_rating(as_user, me, movie, clock):
    response = log(as_user, me)

    assert response.status_code == 201
    watch = db.session.scalars(db.select(Watch)).one()
    assert response.get_json() == {
        "id": watch.id,
        "user": f"{HOST}/api/users/me/",
        "movie": movie_json(movie),
        "watched_on": "2026-05-10",
        "rewatch": False,
        "rating": None,
        "note": "",
        "created_at": "2026-05-10T21:30:00.250000Z",
    }
    assert rating_of(me, movie) is None


def test_today_follows_utc(as_user, me, movie, clock):
    clock.now = datetime(2026, 5, 10, 23, 59, 59)
    assert log(as_user, me, body={"watched_on": "2026-05-10"}).status_code == 201
    assert log(as_user, me, body={"watched_on": "2026-05-11"}).get_json() == FUTURE

    clock.now += timedelta(seconds=1)

    response = log(as_user, me, body={"watched_on": "2026-05-11"})
    assert (response.status_code, response.get_json()["watched_on"]) == (201, "2026-05-11")
    assert log(as_user, me, body={}).get_json()["watched_on"] == "2026-05-11"


def test_a_full_body_is_stored(as_user, me, movie):
    response = log(as_user, me, body={"watched_on": "2024-02-29", "rating": 4, "note": "In 70mm."})

    assert response.status_code == 201
    body = response.get_json()
    assert (body["watched_on"], body["rating"], body["note"], body["rewatch"]) == ("2024-02-29", 4, "In 70mm.", False)
    assert rating_of(me, movie) == 4


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ({"watched_on": "2026-05-11"}, FUTURE),
        ({"watched_on": "3000-01-01"}, FUTURE),
        ({"watched_on": "2026-02-30"}, {"watched_on": ["Enter a valid date in YYYY-MM-DD format."]}),
        ({"watched_on": "10/05/2026"}, {"watched_on": ["Enter a valid date in YYYY-MM-DD format."]}),
        ({"watched_on": None}, {"watched_on": ["This field cannot be null."]}),
        ({"rating": 0}, {"rating": ["Ensure this value is greater than or equal to 1."]}),
        ({"rating": 2**70}, {"rating": ["Ensure this value is less than or equal to 5."]}),
        ({"rating": 4.5}, {"rating": ["A valid integer is required."]}),
        ({"rating": True}, {"rating": ["A valid integer is required."]}),
        ({"note": "x" * 1001}, {"note": ["Ensure this value has at most 1000 characters (it has 1001)."]}),
        ({"note": None}, {"note": ["This field cannot be null."]}),
        ({"note": 3}, {"note": ["Not a valid string."]}),
        (
            {"watched_on": "2027-01-01", "rating": 6},
            {**FUTURE, "rating": ["Ensure this value is less than or equal to 5."]},
        ),
    ],
)
def test_field_errors(as_user, me, movie, body, errors):
    response = log(as_user, me, body=body)

    assert (response.status_code, response.get_json()) == (400, errors)
    assert db.session.scalar(db.select(db.func.count(Watch.id))) == 0
    assert rating_of(me, movie) is None


@pytest.mark.parametrize("data", ["{", "[]", "null", "12"])
def test_a_body_that_is_not_an_object_is_invalid_json(as_user, me, movie, data):
    response = log(as_user, me, data=data)

    assert (response.status_code, response.get_json()) == (400, {"error": "Invalid JSON body"})


def test_null_rating_and_blank_note_are_accepted(as_user, me, movie):
    RatingFactory(user=me, movie=movie, rating=2)

    response = log(as_user, me, body={"rating": None, "note": "  "})

    assert (response.status_code, response.get_json()["rating"], response.get_json()["note"]) == (201, None, "  ")
    assert rating_of(me, movie) == 2


def test_unknown_movie_is_the_generic_404_before_the_body(as_user, me):
    response = log(as_user, me, slug="nothing", data="{")

    assert response.status_code == 404
    assert response.get_json()["model"] == "Movie"


def test_logging_clears_the_watchlist_entry_and_the_unseen_mark(as_user, me, movie):
    other = MovieFactory()
    WatchlistEntryFactory(user=me, movie=movie)
    WatchlistEntryFactory(user=me, movie=other)
    someone = UserFactory()
    WatchlistEntryFactory(user=someone, movie=movie)
    assert as_user(me).post("/api/movies/parasite/unseen/").status_code == 200

    assert log(as_user, me).status_code == 201

    db.session.expire_all()
    entries = db.session.execute(db.select(WatchlistEntry.user_id, WatchlistEntry.movie_id)).all()
    assert sorted(entries) == sorted([(me.id, other.id), (someone.id, movie.id)])
    assert db.session.get(UnseenMark, (me.id, movie.id)) is None
    assert as_user(me).delete("/api/movies/parasite/unseen/").get_json() == {"error": "Movie not marked as unseen"}


def test_a_refused_watch_changes_nothing(as_user, me, movie):
    WatchlistEntryFactory(user=me, movie=movie)
    assert as_user(me).post("/api/movies/parasite/unseen/").status_code == 200

    assert log(as_user, me, body={"watched_on": "2030-01-01", "rating": 5}).status_code == 400

    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count(WatchlistEntry.id))) == 1
    assert db.session.get(UnseenMark, (me.id, movie.id)) is not None
    assert rating_of(me, movie) is None


def test_the_rating_is_created_then_changed_as_the_ratings_routes_do(app, as_user, me, movie, clock):
    app.config["RECOMMENDER_RETRAIN_AFTER"] = 3
    created_at = clock.now

    assert log(as_user, me, body={"rating": 5}).status_code == 201
    clock.advance(hours=1)
    assert log(as_user, me, body={"rating": 3}).status_code == 201

    rating = as_user(me).get("/api/movies/parasite/ratings/").get_json()
    assert (rating["rating"], rating["created_at"]) == (3, iso(created_at))
    assert db.session.scalars(db.select(Rating)).one().updated_at == clock.now.replace(tzinfo=None)
    assert recommender.stored_version() is None
    # Two watch ratings counted toward RECOMMENDER_RETRAIN_AFTER = 3; a third rating change trains the model.
    assert as_user(me).put("/api/movies/parasite/ratings/", json={"rating": 4}).status_code == 200
    assert recommender.stored_version() is not None


def test_a_watch_without_rating_does_not_count_toward_retraining(app, as_user, me, movie):
    app.config["RECOMMENDER_RETRAIN_AFTER"] = 1

    assert log(as_user, me, body={"note": "no stars"}).status_code == 201

    assert recommender.stored_version() is None


def test_a_rated_watch_moves_the_feed_at_once(as_user, me, movie):
    other = MovieFactory()
    assert sorted(m["id"] for m in as_user(me).get("/api/movies/").get_json()) == sorted([movie.id, other.id])

    assert log(as_user, me, body={"rating": 4}).status_code == 201

    assert [m["id"] for m in as_user(me).get("/api/movies/").get_json()] == [other.id]


def test_rewatch_counts_every_earlier_watch_including_back_dated_ones(as_user, me, movie):
    first = log(as_user, me, body={"watched_on": "2026-03-01"}).get_json()
    later_same_day = log(as_user, me, body={"watched_on": "2026-03-01"}).get_json()
    back_dated = log(as_user, me, body={"watched_on": "2025-12-31"}).get_json()
    other_movie = MovieFactory(slug="other")
    elsewhere = log(as_user, me, slug="other", body={"watched_on": "2020-01-01"}).get_json()

    # As logged: the back-dated watch came last but is the earliest, so it is no rewatch...
    assert (first["rewatch"], later_same_day["rewatch"], back_dated["rewatch"], elsewhere["rewatch"]) == (
        False,
        True,
        False,
        False,
    )
    # ...and it turns the first one into a rewatch from then on.
    diary = as_user(me).get("/api/users/me/diary/").get_json()["results"]
    by_id = {watch["id"]: watch["rewatch"] for watch in diary}
    assert by_id == {first["id"]: True, later_same_day["id"]: True, back_dated["id"]: False, elsewhere["id"]: False}
    assert other_movie.id == elsewhere["movie"]["id"]


def test_two_identical_watches_posted_at_once_are_two_watches(app, me, movie, headers_for):
    call = (headers_for(me), "POST", "/api/movies/parasite/watches/", {"watched_on": "2026-01-01", "rating": 4})

    results = at_once(app, [call, call])

    assert sorted(status for status, _ in results) == [201, 201]
    assert sorted(body["rewatch"] for _, body in results) == [False, True]
    assert db.session.scalar(db.select(db.func.count(Watch.id))) == 2
    assert db.session.scalar(db.select(db.func.count(Rating.id))) == 1
    assert rating_of(me, movie) == 4


def test_a_watch_whose_rating_is_created_concurrently_changes_it(app, as_user, me, movie):
    # The other request's rating commits between this request's read and its insert, as in a race.
    from tests.support.social import concurrent_insert

    sql = "INSERT INTO ratings (user_id, movie_id, rating, created_at, updated_at) VALUES (:u, :m, 2, :t, :t)"
    with concurrent_insert("ratings", sql, {"u": me.id, "m": movie.id, "t": datetime(2026, 5, 10)}) as fired:
        response = log(as_user, me, body={"rating": 5})

    assert fired and response.status_code == 201
    assert rating_of(me, movie) == 5
    assert db.session.scalar(db.select(db.func.count(Watch.id))) == 1


# --- Deleting ------------------------------------------------------------------------------------


def test_delete_removes_the_watch_and_keeps_the_rating(as_user, me, movie):
    watch_id = log(as_user, me, body={"rating": 4}).get_json()["id"]

    response = as_user(me).delete(f"/api/me/diary/{watch_id}/")

    assert (response.status_code, response.get_json()) == (200, {"success": True})
    assert db.session.scalar(db.select(db.func.count(Watch.id))) == 0
    assert rating_of(me, movie) == 4


@pytest.mark.parametrize("whose", ["other", "none", "huge"])
def test_delete_of_another_users_watch_or_none_is_the_generic_404(as_user, me, movie, whose):
    other = WatchFactory(movie=movie)
    watch_id = {"other": other.id, "none": other.id + 1, "huge": 2**63}[whose]

    response = as_user(me).delete(f"/api/me/diary/{watch_id}")

    assert response.status_code == 404
    assert response.get_json() == {
        "error": "Not Found",
        "message": "The requested resource was not found.",
        "model": "Watch",
        "lookup_value": str(watch_id),
    }
    assert db.session.get(Watch, other.id) is not None
