"""The model path from the per-process catalogue snapshot (`feed.catalog_snapshot`) ranks exactly as from SQL, for the
feed and for intelligent lists (G, F), with soft-deleted movies, platforms, genres and awards, unreleased movies,
exclusions and padding; and it is read again after every catalogue write."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import event

from moviesx.extensions import db
from moviesx.models import UnseenMark, WatchlistEntry, user_platforms
from moviesx.services.feed import catalog_snapshot, recommendations
from moviesx.services.feed.interactions import user_positives
from moviesx.services.feed.recommendations import MODEL, rank
from moviesx.services.feed.tokens import CATALOG_TOKEN_KEY, flush, new_token
from tests.factories import AwardFactory, GenreFactory, PlatformFactory, UserFactory, link_movie, make_friends
from tests.support.recommender import hand_built_model, movie, rate_many

SEED = 11


@pytest.fixture
def world(app):
    """60 movies (some deleted, some unreleased) on platforms, in genres and with awards some of which are deleted;
    a user with ratings, unseen marks, a watchlist and two platforms (one deleted); friends with likes."""
    rng = np.random.default_rng(SEED)
    platforms = [PlatformFactory(), PlatformFactory(), PlatformFactory()]
    genres = [GenreFactory(), GenreFactory(), GenreFactory()]
    awards = [AwardFactory(), AwardFactory()]
    films = [movie(popularity=float(rng.integers(0, 10)), days_ahead=30 if i % 13 == 5 else None) for i in range(60)]
    for film in films:
        link_movie(
            film,
            platforms=[p for p in platforms if rng.random() < 0.3],
            genres=[g for g in genres if rng.random() < 0.4],
            awards=[a for a in awards if rng.random() < 0.15],
        )
    user, friend, stranger, idle = UserFactory(), UserFactory(), UserFactory(), UserFactory(is_active=False)
    make_friends(user, friend)
    make_friends(user, idle)
    rate_many(
        [(user, films[i], int(rng.integers(1, 6))) for i in range(0, 60, 4)]
        + [(friend, films[i], int(rng.integers(3, 6))) for i in range(1, 60, 3)]
        + [(idle, films[i], 5) for i in range(2, 60, 5)]
        + [(stranger, films[i], 5) for i in range(3, 60, 2)]
    )
    db.session.add_all([UnseenMark(user_id=user.id, movie_id=films[i].id) for i in (6, 18, 30)])
    db.session.add_all([WatchlistEntry(user_id=user.id, movie_id=films[i].id) for i in (7, 19, 31, 43)])
    db.session.execute(user_platforms.insert(), [{"user_id": user.id, "platform_id": p.id} for p in platforms[1:]])
    for deleted in (films[9], films[22], films[35], platforms[2], genres[2], awards[1]):
        deleted.delete()
    db.session.commit()
    hand_built_model(films, rng.normal(size=(len(films), 6)), regularization=0.5, alpha=2.0)
    return {"user": user, "friend": friend, "idle": idle, "genres": genres}


def outcome(ranking) -> tuple:
    """What a Ranking says, without its folded user (the same on both paths)."""
    return ranking.movie_ids, ranking.source, ranking.candidates, ranking.aggregate_computed_at


@pytest.fixture
def paths(monkeypatch):
    """rank() by SQL and by the snapshot; counts the snapshot rankings."""
    taken = []
    candidates = catalog_snapshot.candidates
    monkeypatch.setattr(catalog_snapshot, "candidates", lambda *args: taken.append(1) or candidates(*args))

    def by_sql(user, **options):
        with monkeypatch.context() as patch:
            patch.setattr(catalog_snapshot, "current", lambda: None)
            return outcome(rank(user, **options))

    def by_snapshot(user, **options):
        new_token(CATALOG_TOKEN_KEY)
        before = len(taken)
        ranking = rank(user, **options)
        assert len(taken) == before + 1
        return outcome(ranking)

    return by_sql, by_snapshot


@pytest.mark.parametrize("model_candidates", [500, 3])  # 3: the cut at 3 + |E| decides which candidates count
@pytest.mark.parametrize(
    "options",
    [
        {"limit": 20, "watchlist_excluded": True},
        {"limit": 60, "watchlist_excluded": True},  # padding with the newest allowed movies
        {"limit": 10},
        {"limit": 10, "genre_ids": "first"},
        {"limit": 10, "genre_ids": "deleted"},
        {"limit": 10, "genre_ids": "none"},
        {"limit": 10, "friend_ids": "friend"},
        {"limit": 10, "friend_ids": "idle"},
        {"limit": 10, "friend_ids": "none"},
    ],
    ids=lambda options: "-".join(f"{key}={value}" for key, value in options.items()),
)
def test_the_snapshot_ranks_as_sql(world, paths, monkeypatch, options, model_candidates):
    monkeypatch.setattr(recommendations, "MODEL_CANDIDATES", model_candidates)
    genres = {"first": [world["genres"][0].id], "deleted": [world["genres"][2].id], "none": []}
    friends = {"friend": [world["friend"].id], "idle": [world["idle"].id], "none": []}
    options = dict(options)
    if "genre_ids" in options:
        options["genre_ids"] = genres[options["genre_ids"]]
    if "friend_ids" in options:
        options["friend_ids"] = friends[options["friend_ids"]]
    by_sql, by_snapshot = paths
    expected = by_sql(world["user"], **options)
    assert expected[1] == MODEL
    assert by_snapshot(world["user"], **options) == expected


def test_a_user_without_platforms_sees_every_platform(world, paths):
    db.session.execute(user_platforms.delete().where(user_platforms.c.user_id == world["user"].id))
    db.session.commit()
    by_sql, by_snapshot = paths
    assert by_snapshot(world["user"], limit=60) == by_sql(world["user"], limit=60)


def test_a_catalogue_write_is_seen_at_once(world, paths):
    """The snapshot is read again under the new catalogue token (the write's invalidation replaces it)."""
    by_sql, by_snapshot = paths
    first = by_snapshot(world["user"], limit=5)[0]
    top = db.session.get(recommendations.Movie, first[0])
    top.delete()
    db.session.commit()
    flush()  # what the catalogue write's invalidation does after its commit
    second = by_snapshot(world["user"], limit=5)
    assert first[0] not in second[0]
    assert second == by_sql(world["user"], limit=5)


def test_one_snapshot_per_catalogue_token_and_none_without_one(app):
    assert catalog_snapshot.current() is None  # no token yet: the pipeline runs its SQL
    new_token(CATALOG_TOKEN_KEY)
    first = catalog_snapshot.current()
    assert first is not None and catalog_snapshot.current() is first
    movie()
    flush()
    second = catalog_snapshot.current()
    assert second is not first and len(second.movie_ids) == len(first.movie_ids) + 1
    app.config["CATALOG_CACHE_SECONDS"] = 0
    assert catalog_snapshot.current() is None


@pytest.mark.parametrize("active", [True, False])
def test_the_user_rows_hold_the_positives_the_fold_in_reads_by_sql(app, active):
    """Ratings of 3 stars or more and watchlist entries of unrated movies, on live movies, of an active user: the same
    (movie ids, stars, rated) as `interactions.user_positives()`."""
    films = [movie() for _ in range(10)]
    user = UserFactory()
    rate_many([(user, films[i], stars) for i, stars in ((0, 5), (1, 3), (2, 2), (3, 4), (4, 1), (5, 5))])
    # 1 (3 stars) and 4 (1 star) are rated and watchlisted; 3 (rated) and 7 (watchlisted) are deleted
    db.session.add_all([WatchlistEntry(user_id=user.id, movie_id=films[i].id) for i in (1, 4, 6, 7, 8)])
    for deleted in (films[3], films[7]):
        deleted.delete()
    user.is_active = active
    db.session.commit()
    new_token(CATALOG_TOKEN_KEY)
    snapshot = catalog_snapshot.current()
    rows = catalog_snapshot.user_rows(snapshot, user.id, watchlist_excluded=True, friend_ids=None)
    by_sql = user_positives(user.id)
    assert [column.tolist() for column in rows.positives] == [column.tolist() for column in by_sql]
    ids = {film.id: i for i, film in enumerate(films)}
    expected = ([0, 1, 5, 6, 8], [5, 3, 5, 3, 3], [True, True, True, False, False]) if active else ([], [], [])
    assert ([ids[movie_id] for movie_id in by_sql[0].tolist()], by_sql[1].tolist(), by_sql[2].tolist()) == expected
    assert sorted(ids[movie_id] for movie_id in rows.excluded.tolist()) == [0, 1, 2, 3, 4, 5, 6, 7, 8]


def test_a_warm_ranking_is_one_statement_outside_a_transaction(world, count_queries):
    """With the snapshot held, the model path reads the user's rows in one statement, which the database runs alone
    (autocommit: no BEGIN and ROLLBACK round trips, and psycopg may prepare it)."""
    new_token(CATALOG_TOKEN_KEY)
    expected = rank(world["user"], limit=20, watchlist_excluded=True).movie_ids  # reads the snapshot
    db.session.remove()
    statuses = []

    def status(conn, *_):
        driver = conn.connection.driver_connection
        statuses.append(driver.info.transaction_status.name if hasattr(driver, "info") else driver.in_transaction)

    event.listen(db.engine, "after_cursor_execute", status)
    try:
        with count_queries() as counter:
            assert rank(world["user"], limit=20, watchlist_excluded=True).movie_ids == expected
    finally:
        event.remove(db.engine, "after_cursor_execute", status)
    assert counter.count == 1, counter.statements
    assert statuses == ["IDLE" if db.engine.dialect.name == "postgresql" else False]
