"""POST /api/me/import/: a Letterboxd or IMDb history brought in, matched and applied once (API.md 19)."""

from __future__ import annotations

import io
import threading
import time
from datetime import date

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from moviesx.extensions import cache, db
from moviesx.models import MovieTranslation, Rating, UnseenMark, Watch, WatchlistEntry
from moviesx.services.feed import recommender
from tests.factories import MovieFactory, RatingFactory, UserFactory, WatchFactory, WatchlistEntryFactory
from tests.support.histories import (
    DIARY_HEADER,
    IMDB_HEADER,
    RATINGS_HEADER,
    WATCHED_HEADER,
    WATCHLIST_HEADER,
    csv_text,
    diary_row,
    film_row,
    imdb_row,
    rating_row,
    zip_of,
)
from tests.support.lists import iso

IMPORT = "/api/me/import/"
UNRECOGNISED = {"error": "Unrecognised file: expected a Letterboxd or IMDb export"}


def upload(as_user, user, content: bytes, filename: str = "letterboxd-export.zip"):
    return as_user(user).post(IMPORT, data={"file": (io.BytesIO(content), filename)}, content_type="multipart/form-data")


def state_of(user) -> dict:
    """Every row an import may write for the user, with every timestamp."""
    db.session.expire_all()
    return {
        "ratings": sorted(
            db.session.execute(
                select(Rating.id, Rating.movie_id, Rating.rating, Rating.created_at, Rating.updated_at).where(
                    Rating.user_id == user.id
                )
            ).all()
        ),
        "watches": sorted(
            db.session.execute(
                select(Watch.id, Watch.movie_id, Watch.watched_on, Watch.rating, Watch.note, Watch.created_at).where(
                    Watch.user_id == user.id
                )
            ).all()
        ),
        "watchlist": sorted(
            db.session.execute(
                select(WatchlistEntry.id, WatchlistEntry.movie_id, WatchlistEntry.created_at).where(
                    WatchlistEntry.user_id == user.id
                )
            ).all()
        ),
        "unseen": sorted(db.session.scalars(select(UnseenMark.movie_id).where(UnseenMark.user_id == user.id))),
    }


@pytest.fixture
def films(app):
    """A catalogue with the traps of real titles: commas, a line break, case, translations, remakes, deletions."""
    made = {
        "godfather": MovieFactory(title="The Godfather", release_date=date(1972, 3, 24), popularity=50),
        "heat": MovieFactory(title="Heat", release_date=date(1995, 12, 15), popularity=30),
        "crouching": MovieFactory(title="Crouching Tiger, Hidden Dragon", release_date=date(2000, 7, 7)),
        "amelie": MovieFactory(title="Amélie", release_date=date(2001, 4, 25)),
        "spirited": MovieFactory(title="Spirited Away", release_date=date(2001, 7, 20)),
        "parasite": MovieFactory(title="Parasite", release_date=date(2019, 5, 30)),
        "dune_1984": MovieFactory(title="Dune", release_date=date(1984, 12, 14), popularity=90),
        "dune_2021": MovieFactory(title="Dune", release_date=date(2021, 9, 15), popularity=10),
        "lines": MovieFactory(title="Two  Lines", release_date=date(2010, 1, 1)),
        "gone": MovieFactory(title="Gone Film", release_date=date(2005, 1, 1)),
    }
    db.session.add(MovieTranslation(movie_id=made["spirited"].id, language="fr", title="Le Voyage de Chihiro"))
    made["gone"].delete()
    db.session.commit()
    return made


def letterboxd_zip() -> bytes:
    diary = csv_text(
        DIARY_HEADER,
        [
            diary_row("The Godfather", 1972, "4.5", "2024-01-04"),
            diary_row("The Godfather", 1972, "5", "2024-02-01", rewatch="Yes"),
            diary_row("Heat", 1996, "", "2024-02-02"),  # one year off, no rating
            diary_row("Heat", 1996, "", "2024-02-02"),  # the same row twice: one watch
            diary_row("Nowhere To Be Found", 1999, "3", "2024-02-03"),
        ],
        bom=True,
    )
    ratings = csv_text(
        RATINGS_HEADER,
        [
            rating_row("The Godfather", 1972, "3"),  # ratings.csv comes after diary.csv: this one wins
            rating_row("AMÉLIE", 2001, "2.5"),
            rating_row("Crouching Tiger, Hidden Dragon", 2000, "0.5"),
            rating_row("Le Voyage de Chihiro", 2001, "4"),
            rating_row("Two\nLines", 2010, "not a number"),
            rating_row("Gone Film", 2005, "4"),
        ],
    )
    watched = csv_text(WATCHED_HEADER, [film_row("Parasite", 2019)])
    watchlist = csv_text(
        WATCHLIST_HEADER,
        [
            film_row("Dune", 2021),
            film_row("Heat", 1995),
            film_row("Amélie", 2001),
            film_row("Dune", 2021),
            film_row("Parasite", ""),
        ],
    )
    return zip_of(
        {
            "profile.csv": b"Date Joined,Username\r\n2020-01-01,me\r\n",
            "reviews.csv": csv_text(DIARY_HEADER, [diary_row("Parasite", 2019, "5", "2024-03-03")]),
            "lists/x.csv": csv_text(RATINGS_HEADER, [rating_row("Parasite", 2019, "1")]),
            "watchlist.csv": watchlist,
            "ratings.csv": ratings,
            "watched.csv": watched,
            "diary.csv": diary,
        }
    )


def damaged_member() -> bytes:
    """A ZIP whose `ratings.csv` has a run of its compressed bytes zeroed."""
    rows = [rating_row(f"Film {n}", 2000, "4") for n in range(500)]
    content = bytearray(zip_of({"ratings.csv": csv_text(RATINGS_HEADER, rows)}))
    content[400:440] = bytes(40)
    return bytes(content)


LETTERBOXD_REPORT = {
    "format": "letterboxd",
    "rows": 17,
    "matched": 14,
    "ratings": {"created": 2, "updated": 1},
    "watches": 3,
    "watchlist": 1,
    "unmatched": [
        {"title": "Nowhere To Be Found", "year": 1999},
        {"title": "Gone Film", "year": 2005},
        {"title": "Parasite", "year": None},
    ],
    "unmatched_count": 3,
}


def test_a_letterboxd_zip_is_applied_once_and_a_second_import_changes_nothing(app, as_user, films, clock):
    app.config["RECOMMENDER_RETRAIN_AFTER"] = 1000
    me = UserFactory()
    RatingFactory(user=me, movie=films["amelie"], rating=3)  # already what the file says: untouched
    RatingFactory(user=me, movie=films["spirited"], rating=2)  # changed to 4
    WatchlistEntryFactory(user=me, movie=films["heat"])  # logged by the import: leaves the watchlist
    db.session.add(UnseenMark(user_id=me.id, movie_id=films["parasite"].id))  # watched: the mark goes
    db.session.commit()
    before = state_of(me)
    clock.advance(days=1)

    response = upload(as_user, me, letterboxd_zip())

    assert response.status_code == 200
    assert response.get_json() == LETTERBOXD_REPORT
    now = clock.now.replace(tzinfo=None)
    after = state_of(me)
    ratings = {movie_id: (value, created, updated) for _id, movie_id, value, created, updated in after["ratings"]}
    old = {movie_id: (value, created, updated) for _id, movie_id, value, created, updated in before["ratings"]}
    assert ratings == {
        films["godfather"].id: (3, now, now),
        films["crouching"].id: (1, now, now),
        films["amelie"].id: old[films["amelie"].id],
        films["spirited"].id: (4, old[films["spirited"].id][1], now),  # as PUT: created_at kept
    }
    watches = [(movie_id, day, rating, note, created) for _id, movie_id, day, rating, note, created in after["watches"]]
    assert watches == [
        (films["godfather"].id, date(2024, 1, 4), 5, "", now),  # 4.5 rounds half up
        (films["godfather"].id, date(2024, 2, 1), 5, "", now),
        (films["heat"].id, date(2024, 2, 2), None, "", now),
    ]
    assert [(movie_id, created) for _id, movie_id, created in after["watchlist"]] == [(films["dune_2021"].id, now)]
    assert after["unseen"] == []
    assert cache.get(recommender.CHANGES_KEY) == 3  # one per rating created or changed

    clock.advance(hours=1)
    again = upload(as_user, me, letterboxd_zip())

    assert again.status_code == 200
    assert again.get_json() == {**LETTERBOXD_REPORT, "ratings": {"created": 0, "updated": 0}, "watches": 0, "watchlist": 0}
    assert state_of(me) == after
    assert cache.get(recommender.CHANGES_KEY) == 3


def test_the_imported_diary_shows_rewatches_and_import_time(app, as_user, films, clock):
    me = UserFactory()
    assert upload(as_user, me, letterboxd_zip()).status_code == 200

    diary = as_user(me).get(f"/api/users/{me.username}/diary/")

    assert [
        (entry["movie"]["title"], entry["watched_on"], entry["rewatch"], entry["rating"]) for entry in diary.get_json()["results"]
    ] == [
        ("Heat", "2024-02-02", False, None),
        ("The Godfather", "2024-02-01", True, 5),
        ("The Godfather", "2024-01-04", False, 5),
    ]
    assert {entry["created_at"] for entry in diary.get_json()["results"]} == {iso(clock.now)}


def test_an_imdb_ratings_csv(app, as_user, films):
    me = UserFactory()
    RatingFactory(user=me, movie=films["heat"], rating=5)
    content = csv_text(
        IMDB_HEADER,
        [
            imdb_row("tt0068646", "10", "The Godfather", 1972),  # 10 -> 5
            imdb_row("tt0113277", "7", "Heat", 1995),  # 7 -> 4, a change
            imdb_row("tt0190332", "1", "Crouching Tiger, Hidden Dragon", 2000),  # 1 -> 1
            imdb_row("tt0211915", "", "Amélie", 2001),  # blank: matched, no rating
            imdb_row("tt0245429", "11", "Spirited Away", 2001),  # out of range: ignored
            imdb_row("tt9999999", "8", "Unknown Picture", 2020),
        ],
        bom=True,
    )

    response = upload(as_user, me, content, "ratings.csv")

    assert response.status_code == 200
    assert response.get_json() == {
        "format": "imdb",
        "rows": 6,
        "matched": 5,
        "ratings": {"created": 2, "updated": 1},
        "watches": 0,
        "watchlist": 0,
        "unmatched": [{"title": "Unknown Picture", "year": 2020}],
        "unmatched_count": 1,
    }
    values = dict(db.session.execute(select(Rating.movie_id, Rating.rating).where(Rating.user_id == me.id)).all())
    assert values == {films["godfather"].id: 5, films["heat"].id: 4, films["crouching"].id: 1}


@pytest.mark.parametrize(
    ("stars", "expected"),
    [("0.5", 1), ("1", 1), ("1.5", 2), ("2.5", 3), ("3.0", 3), ("4.5", 5), ("5", 5), ("", None), ("5.5", None), ("0", None),
     ("2.25", None), ("x", None), ("NaN", None)],
)  # fmt: skip
def test_half_stars_round_half_up(as_user, films, stars, expected):
    me = UserFactory()
    response = upload(as_user, me, csv_text(RATINGS_HEADER, [rating_row("Heat", 1995, stars)]), "ratings.csv")

    assert response.status_code == 200
    assert response.get_json()["ratings"]["created"] == (expected is not None)
    assert db.session.scalar(select(Rating.rating).where(Rating.user_id == me.id)) == expected


def test_year_matching_prefers_the_exact_year_then_one_off_then_popularity(as_user, app):
    exact = MovieFactory(title="Solaris", release_date=date(2002, 1, 1))
    MovieFactory(title="Solaris", release_date=date(2003, 1, 1), popularity=99)
    early, late = (MovieFactory(title="Halloween", release_date=date(y, 1, 1), popularity=5) for y in (1978, 1980))
    popular = MovieFactory(title="Nosferatu", release_date=date(1923, 1, 1), popularity=8)
    MovieFactory(title="Nosferatu", release_date=date(1921, 1, 1), popularity=2)
    MovieFactory(title="Far Off", release_date=date(1990, 1, 1))
    me = UserFactory()
    rows = [
        rating_row("Solaris", 2002, "4"),  # the exact year wins over a more popular neighbour
        rating_row("Halloween", 1979, "3"),  # both one off, equally popular: the lowest id
        rating_row("Nosferatu", 1922, "5"),  # both one off: the most popular
        rating_row("Far Off", 1992, "2"),  # two years off: no match
    ]

    response = upload(as_user, me, csv_text(RATINGS_HEADER, rows), "ratings.csv")

    assert response.get_json()["unmatched"] == [{"title": "Far Off", "year": 1992}]
    values = dict(db.session.execute(select(Rating.movie_id, Rating.rating).where(Rating.user_id == me.id)).all())
    assert values == {exact.id: 4, min(early.id, late.id): 3, popular.id: 5}


def test_more_than_a_hundred_unmatched_rows_are_counted_and_the_first_hundred_listed(as_user, films):
    me = UserFactory()
    rows = [film_row(f"Lost Film {n % 120}", 1990) for n in range(150)] + [film_row("Heat", 1995)]

    body = upload(as_user, me, csv_text(WATCHED_HEADER, rows), "watched.csv").get_json()

    assert body["rows"] == 151
    assert body["matched"] == 1
    assert body["unmatched_count"] == 150
    assert body["unmatched"] == [{"title": f"Lost Film {n}", "year": 1990} for n in range(100)]


def test_a_lone_csv_is_recognised_by_its_header_and_a_watchlist_by_its_name(as_user, films):
    me = UserFactory()
    films_csv = csv_text(WATCHED_HEADER, [film_row("Dune", 2021)])

    assert upload(as_user, me, films_csv, "watched.csv").get_json()["watchlist"] == 0
    assert upload(as_user, me, films_csv, "My-Watchlist.csv").get_json()["watchlist"] == 1
    diary = csv_text(DIARY_HEADER, [diary_row("Heat", 1995, "4", "2024-05-05")])
    assert upload(as_user, me, diary, "export.csv").get_json()["watches"] == 1
    assert db.session.scalars(select(WatchlistEntry.movie_id).where(WatchlistEntry.user_id == me.id)).all() == [
        films["dune_2021"].id
    ]


def test_a_diary_row_whose_watch_exists_has_no_effect(as_user, films):
    me = UserFactory()
    WatchFactory(user=me, movie=films["heat"], watched_on=date(2024, 5, 5), rating=None)
    RatingFactory(user=me, movie=films["heat"], rating=2)
    diary = csv_text(
        DIARY_HEADER,
        [
            diary_row("Heat", 1995, "5", "2024-05-05"),
            diary_row("Dune", 2021, "4", "2024-05-05"),
            diary_row("Parasite", 2019, "4", ""),
        ],
    )

    body = upload(as_user, me, diary, "diary.csv").get_json()

    assert (body["watches"], body["ratings"]) == (1, {"created": 2, "updated": 0})  # Parasite: no date, a rating
    assert db.session.scalar(select(Rating.rating).where(Rating.movie_id == films["heat"].id)) == 2


def test_movies_rated_or_logged_are_not_added_to_the_watchlist(as_user, films):
    me = UserFactory()
    RatingFactory(user=me, movie=films["heat"])
    WatchFactory(user=me, movie=films["parasite"])
    WatchlistEntryFactory(user=me, movie=films["amelie"])
    rows = [film_row("Heat", 1995), film_row("Parasite", 2019), film_row("Amélie", 2001), film_row("Spirited Away", 2001)]

    body = upload(as_user, me, csv_text(WATCHLIST_HEADER, rows), "watchlist.csv").get_json()

    assert body["watchlist"] == 1
    assert set(db.session.scalars(select(WatchlistEntry.movie_id).where(WatchlistEntry.user_id == me.id))) == {
        films["amelie"].id,
        films["spirited"].id,
    }


def test_many_ratings_cross_the_retrain_threshold_once(app, as_user, films):
    app.config["RECOMMENDER_RETRAIN_AFTER"] = 2
    me = UserFactory()
    rows = [rating_row("Heat", 1995, "4"), rating_row("Parasite", 2019, "3"), rating_row("Amélie", 2001, "5")]

    assert upload(as_user, me, csv_text(RATINGS_HEADER, rows), "ratings.csv").status_code == 200

    assert recommender.stored_version() is not None  # trained inline (no REDIS_URL)


def test_the_feed_is_invalidated_once(app, as_user, films, monkeypatch):
    from moviesx.services.feed import invalidation

    me = UserFactory()
    calls = []
    original = invalidation.invalidate
    monkeypatch.setattr(invalidation, "invalidate", lambda **kw: calls.append(kw) or original(**kw))

    assert upload(as_user, me, letterboxd_zip()).status_code == 200

    assert [(call["users"], call["catalog"]) for call in calls] == [({me.id}, False)]


# --- Refusals: a 400 and nothing written ---------------------------------------------------------


def _refused(as_user, me, content: bytes, filename: str, expected: dict) -> None:
    before = state_of(me)
    response = upload(as_user, me, content, filename)
    assert (response.status_code, response.get_json()) == (400, expected)
    assert state_of(me) == before


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (letterboxd_zip()[:-40], "corrupt.zip"),
        (damaged_member(), "damaged.zip"),
        (zip_of({"profile.csv": b"Date Joined,Username\r\n", "lists/diary.csv": b"x"}), "other.zip"),
        (zip_of({"diary.csv": csv_text(WATCHED_HEADER, [film_row("Heat", 1995)])}), "wrong-columns.zip"),
        (b"Name,Year,Score\r\nHeat,1995,8\r\n", "scores.csv"),
        (b"", "empty.csv"),
        (csv_text(WATCHED_HEADER, []).decode().encode("utf-16"), "utf16.csv"),
        (csv_text(WATCHED_HEADER, [film_row("Heat", 1995)]) + b"\xff\xfe,1999\r\n", "latin.csv"),
        (csv_text(WATCHED_HEADER, [film_row("He\x00at", 1995)]), "nul.csv"),
        (b"\x89PNG\r\n\x1a\n" + bytes(100), "picture.png"),
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_unrecognised_files(as_user, films, content, filename):
    me = UserFactory()
    _refused(as_user, me, content, filename, UNRECOGNISED)


def test_an_unreadable_member_refuses_the_whole_zip(as_user, films):
    me = UserFactory()
    content = zip_of({"ratings.csv": csv_text(RATINGS_HEADER, [rating_row("Heat", 1995, "4")]), "watched.csv": b"\xc3\x28,x\r\n"})
    _refused(as_user, me, content, "export.zip", UNRECOGNISED)


def test_a_missing_file_field(as_user, films):
    me = UserFactory()
    before = state_of(me)
    for response in (
        as_user(me).post(IMPORT, data={"other": (io.BytesIO(letterboxd_zip()), "x.zip")}, content_type="multipart/form-data"),
        as_user(me).post(IMPORT, data={"file": "not a file"}, content_type="multipart/form-data"),
        as_user(me).post(IMPORT, json={"file": "x"}),
        as_user(me).post(IMPORT),
    ):
        assert (response.status_code, response.get_json()) == (400, {"error": "Missing required fields"})
    assert state_of(me) == before


def test_too_many_rows(as_user, films):
    me = UserFactory()
    rows = [film_row("Heat", 1995)] * 25_000
    content = zip_of(
        {"watched.csv": csv_text(WATCHED_HEADER, rows), "watchlist.csv": csv_text(WATCHLIST_HEADER, rows + rows[:1])}
    )
    _refused(as_user, me, content, "export.zip", {"error": "File is too large"})


def test_a_member_too_large_uncompressed(as_user, films):
    me = UserFactory()
    header = csv_text(RATINGS_HEADER, [rating_row("Heat", 1995, "4")])
    bomb = zip_of({"ratings.csv": header + b" " * (50 * 1024 * 1024)})  # 50 MiB of blanks compress to ~50 KiB
    _refused(as_user, me, bomb, "export.zip", {"error": "File is too large"})


def test_a_member_whose_declared_size_lies_is_read_no_further(as_user, films):
    me = UserFactory()
    header = csv_text(RATINGS_HEADER, [rating_row("Heat", 1995, "4")])
    bomb = bytearray(zip_of({"ratings.csv": header + b"\r\n" * (26 * 1024 * 1024)}))
    declared = len(header).to_bytes(4, "little")
    central = bomb.rindex(b"PK\x01\x02")
    bomb[central + 24 : central + 28] = declared  # the central directory says the member is small
    bomb[22:26] = declared  # and so does the local header
    _refused(as_user, me, bytes(bomb), "export.zip", UNRECOGNISED)  # read up to its declared size: the CRC fails


def test_a_body_over_ten_mebibytes_is_413(as_user, films):
    me = UserFactory()
    response = upload(as_user, me, b"x" * (10 * 1024 * 1024 + 1), "huge.csv")
    assert (response.status_code, response.get_json()) == (413, {"error": "Request body too large"})


def test_unverified_users_cannot_import(as_user, films):
    me = UserFactory(verified=False)
    response = upload(as_user, me, letterboxd_zip())
    assert (response.status_code, response.get_json()) == (401, {"error": "User account is not verified"})


def test_concurrent_imports_of_one_user_run_one_after_the_other(app, films, headers_for):
    me = UserFactory()
    headers = headers_for(me)
    # Watches have no unique constraint: only taking turns keeps the second import from logging them again.
    content = csv_text(DIARY_HEADER, [diary_row("Heat", 1995, "", "2024-02-02"), diary_row("Dune", 2021, "", "2024-02-03")])
    barrier = threading.Barrier(2)
    results = []
    paused = []

    def pause_the_first_writer(session):
        """The first import to commit waits there, its rows written, so that the other one starts meanwhile."""
        if not paused:
            paused.append(True)
            time.sleep(0.5)

    def run():
        client = app.test_client()
        barrier.wait()
        response = client.post(
            IMPORT, headers=headers, data={"file": (io.BytesIO(content), "diary.csv")}, content_type="multipart/form-data"
        )
        results.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=run) for _ in range(2)]
    event.listen(Session, "before_commit", pause_the_first_writer)
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    finally:
        event.remove(Session, "before_commit", pause_the_first_writer)

    report = {"format": "letterboxd", "rows": 2, "matched": 2, "ratings": {"created": 0, "updated": 0}, "watchlist": 0}
    report |= {"unmatched": [], "unmatched_count": 0}
    assert paused
    assert sorted(results, key=lambda result: -result[1]["watches"]) == [
        (200, {**report, "watches": 2}),
        (200, {**report, "watches": 0}),
    ]
    assert len(state_of(me)["watches"]) == 2


def test_the_statements_of_an_import_do_not_grow_with_its_rows(as_user, app, count_queries):
    movies = [MovieFactory(title=f"Film {n}", release_date=date(2000, 1, 1)) for n in range(60)]

    def statements(count: int) -> int:
        me = UserFactory()
        for movie in movies[:count]:  # every kind of write happens: changed ratings, watchlist and unseen removals
            RatingFactory(user=me, movie=movie, rating=1)
            WatchlistEntryFactory(user=me, movie=movie)
            db.session.add(UnseenMark(user_id=me.id, movie_id=movie.id))
        db.session.commit()
        diary = [diary_row(movie.title, 2000, "4", "2024-01-01") for movie in movies[:count]]
        watchlist = [film_row(movie.title, 2000) for movie in movies[count:]]
        content = zip_of({"diary.csv": csv_text(DIARY_HEADER, diary), "watchlist.csv": csv_text(WATCHLIST_HEADER, watchlist)})
        with count_queries() as counter:
            body = upload(as_user, me, content).get_json()
        assert (body["ratings"]["updated"], body["watches"], body["watchlist"]) == (count, count, 60 - count)
        return counter.count

    assert statements(5) == statements(50)


def test_a_rating_created_meanwhile_by_another_request_is_changed_as_one_after_the_other(app, as_user, films, backend):
    if backend != "postgresql":
        pytest.skip("SQLite lets no other writer in while the import holds its turn")
    me = UserFactory()
    raced = []

    def rate_meanwhile(conn, cursor, statement, parameters, context, executemany):
        """Right after the import read the caller's ratings, another request rates one of the movies."""
        if not raced and statement.lstrip().startswith("SELECT unseen_marks.movie_id"):
            raced.append(True)
            with db.engine.connect() as other:
                other.execute(
                    text(
                        "INSERT INTO ratings (user_id, movie_id, rating, created_at, updated_at, rated_at)"
                        " VALUES (:u, :m, 2, now(), now(), now())"
                    ),
                    {"u": me.id, "m": films["heat"].id},
                )
                other.commit()

    rows = [rating_row("Heat", 1995, "4"), rating_row("Parasite", 2019, "3")]
    event.listen(db.engine, "before_cursor_execute", rate_meanwhile)
    try:
        response = upload(as_user, me, csv_text(RATINGS_HEADER, rows), "ratings.csv")
    finally:
        event.remove(db.engine, "before_cursor_execute", rate_meanwhile)

    assert raced
    assert (response.status_code, response.get_json()["ratings"]) == (200, {"created": 1, "updated": 1})
    values = dict(db.session.execute(select(Rating.movie_id, Rating.rating).where(Rating.user_id == me.id)).all())
    assert values == {films["heat"].id: 4, films["parasite"].id: 3}
