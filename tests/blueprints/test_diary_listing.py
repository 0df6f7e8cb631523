"""GET /api/users/<username>/diary/ (API.md 15): order, cursor, `year`, `rewatch` across years, visibility."""

from __future__ import annotations

from datetime import date

import pytest

from moviesx.extensions import db
from tests.blueprints.test_diary import DIARY_NOT_FOUND, watch_json
from tests.factories import MovieFactory, UserFactory, WatchFactory, make_friends
from tests.support.catalog import soft_delete as soft_delete_row


@pytest.fixture
def me(app):
    return UserFactory(username="me")


@pytest.fixture
def movie(app):
    return MovieFactory(slug="parasite")


# --- Listing -------------------------------------------------------------------------------------


def test_diary_orders_by_watched_on_then_id_and_hides_deleted_movies(as_user, me, movie):
    gone = MovieFactory()
    a = WatchFactory(user=me, movie=movie, watched_on=date(2026, 1, 5), rating=3, note="first")
    b = WatchFactory(user=me, movie=movie, watched_on=date(2026, 3, 1))
    c = WatchFactory(user=me, movie=movie, watched_on=date(2026, 1, 5))
    WatchFactory(user=me, movie=gone, watched_on=date(2026, 4, 1))
    WatchFactory(movie=movie)  # someone else's
    soft_delete_row(gone)

    body = as_user(me).get("/api/users/me/diary/").get_json()

    assert body == {
        "results": [
            watch_json(b, movie, rewatch=True),
            watch_json(c, movie, rewatch=True),
            watch_json(a, movie, rewatch=False),
        ],
        "next_last_id": None,
        "count": 3,
    }


def test_diary_cursor_pages_neither_skip_nor_repeat(as_user, me, movie):
    days = [date(2026, 1, 1), date(2025, 6, 1), date(2026, 1, 1), date(2026, 2, 1), date(2025, 6, 1)]
    watches = [WatchFactory(user=me, movie=movie, watched_on=day) for day in days]
    expected = [w.id for w in sorted(watches, key=lambda w: (w.watched_on, w.id), reverse=True)]

    seen, last_id = [], None
    while True:
        query = "?limit=2" + (f"&last_id={last_id}" if last_id else "")
        body = as_user(me).get(f"/api/users/me/diary/{query}").get_json()
        assert body["count"] == 5
        seen += [watch["id"] for watch in body["results"]]
        last_id = body["next_last_id"]
        if last_id is None:
            break

    assert seen == expected


def test_a_last_id_naming_no_watch_gives_empty_results(as_user, me, movie):
    watch = WatchFactory(user=me, movie=movie)
    WatchFactory(user=me, movie=movie)
    db.session.delete(watch)
    db.session.commit()

    body = as_user(me).get(f"/api/users/me/diary/?last_id={watch.id}").get_json()

    assert body == {"results": [], "next_last_id": None, "count": 1}


def test_year_keeps_one_calendar_year_but_rewatch_counts_every_year(as_user, me, movie):
    WatchFactory(user=me, movie=movie, watched_on=date(2025, 12, 31))
    jan = WatchFactory(user=me, movie=movie, watched_on=date(2026, 1, 1))
    dec = WatchFactory(user=me, movie=movie, watched_on=date(2026, 12, 31))
    WatchFactory(user=me, movie=movie, watched_on=date(2027, 1, 1))

    body = as_user(me).get("/api/users/me/diary/?year=2026").get_json()

    assert [(w["id"], w["rewatch"]) for w in body["results"]] == [(dec.id, True), (jan.id, True)]
    assert body["count"] == 2


@pytest.mark.parametrize("year", ["1799", "99", "02026", "2026x", "", "２０２６"])
def test_a_year_outside_the_rule_is_ignored(as_user, me, movie, year):
    WatchFactory(user=me, movie=movie, watched_on=date(2026, 1, 1))
    WatchFactory(user=me, movie=movie, watched_on=date(1990, 1, 1))

    body = as_user(me).get(f"/api/users/me/diary/?year={year}").get_json()

    assert body["count"] == 2


def test_year_1800_and_9999_are_kept(as_user, me, movie):
    WatchFactory(user=me, movie=movie, watched_on=date(1800, 6, 1))

    assert as_user(me).get("/api/users/me/diary/?year=1800").get_json()["count"] == 1
    assert as_user(me).get("/api/users/me/diary/?year=9999").get_json()["count"] == 0


@pytest.mark.parametrize("route", ["diary", "stats"])
def test_visibility_friends_see_others_get_diary_not_found(as_user, me, movie, route):
    owner, friend, stranger, former = (UserFactory(username=name) for name in ("owner", "friend", "stranger", "former"))
    make_friends(owner, friend)
    make_friends(owner, former)
    assert as_user(former).delete("/api/users/friends/?username=owner").status_code == 200
    make_friends(stranger, friend)
    WatchFactory(user=owner, movie=movie)

    for caller in (owner, friend):
        assert as_user(caller).get(f"/api/users/owner/{route}/").status_code == 200
    for caller in (stranger, former, me):
        response = as_user(caller).get(f"/api/users/owner/{route}/")
        assert (response.status_code, response.get_json()) == (404, DIARY_NOT_FOUND)


@pytest.mark.parametrize("route", ["diary", "stats"])
def test_missing_or_deactivated_owner_is_the_generic_404(as_user, me, route):
    UserFactory(username="inactive", is_active=False)

    for username in ("inactive", "nobody"):
        response = as_user(me).get(f"/api/users/{username}/{route}/")
        assert response.status_code == 404
        assert (response.get_json()["model"], response.get_json()["lookup_value"]) == ("User", username)


def test_diary_queries_do_not_grow_with_the_limit(as_user, me, count_queries):
    from tests.support.catalog import bulk_catalogue

    catalogue = bulk_catalogue(30)
    for index, listed in enumerate(catalogue["movies"]):
        WatchFactory(user=me, movie=listed, watched_on=date(2026, 1, 1 + index % 28))
        WatchFactory(user=me, movie=listed, watched_on=date(2025, 1, 1))
    as_user(me).get("/api/users/me/diary/?limit=1")

    counts = []
    for limit in (1, 50):
        with count_queries() as counter:
            response = as_user(me).get(f"/api/users/me/diary/?limit={limit}")
        assert len(response.get_json()["results"]) == limit
        counts.append(counter.count)

    assert counts[0] == counts[1]
