"""Fold-in (API.md 22): a user's factors from their current positives against the stored item factors."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from moviesx.extensions import db
from moviesx.models import Rating, User, WatchlistEntry
from moviesx.services.feed import recommender
from moviesx.services.feed.foldin import folded_user
from moviesx.services.feed.recommendations import MODEL, POPULAR, rank
from tests.conftest import base_config
from tests.factories import UserFactory
from tests.support.processes import ROOT, project_env
from tests.support.recommender import hand_built_model, implicit_als, movie, rate, rate_many, user_items

RNG_SEED = 7


@pytest.fixture
def films(app):
    return [movie() for _ in range(8)]


@pytest.fixture
def model(films):
    item_factors = np.random.default_rng(RNG_SEED).normal(size=(len(films), 4))
    return hand_built_model(films, item_factors, regularization=0.5, alpha=2.0)


def watchlist(user, film) -> None:
    db.session.add(WatchlistEntry(user_id=user.id, movie_id=film.id))
    db.session.commit()


def test_fold_in_is_implicits_recalculate_user(films, model):
    user = UserFactory()
    rate_many([(user, films[0], 5), (user, films[1], 3), (user, films[2], 4), (user, films[3], 1)])
    folded = folded_user(user)
    # 1-2 stars are no positive; 3, 4, 5 stars weigh 1, 2, 3 (times alpha, as implicit applies it).
    expected = implicit_als(model).recalculate_user(0, user_items(model, {films[0]: 3, films[1]: 1, films[2]: 2}))
    np.testing.assert_allclose(folded.factors, expected, rtol=1e-4, atol=1e-5)
    assert folded.movie_ids.tolist() == [films[0].id, films[1].id, films[2].id]
    assert np.allclose(folded.scores(), model.item_factors @ folded.factors)


def test_a_user_the_training_never_saw_is_folded_in_and_follows_each_rating(films, model):
    user = UserFactory()
    assert user.id not in model.user_index
    assert folded_user(user) is None  # no positive yet: unknown to the model
    assert rank(user, limit=3).source == POPULAR
    rate(user, films[0], 5)
    first = folded_user(user)
    assert first is not None and rank(user, limit=3).source == MODEL
    rate(user, films[1], 4)
    second = folded_user(user)
    assert not np.allclose(first.factors, second.factors)
    expected = implicit_als(model).recalculate_user(0, user_items(model, {films[0]: 3, films[1]: 2}))
    np.testing.assert_allclose(second.factors, expected, rtol=1e-4, atol=1e-5)


def test_only_positives_on_movies_the_model_contains_count(films, model):
    user = UserFactory()
    newer = movie()  # added since the training
    rate_many([(user, newer, 5), (user, films[0], 2)])
    assert folded_user(user) is None
    rate(user, films[1], 3)
    assert folded_user(user).movie_ids.tolist() == [films[1].id]
    films[1].delete()
    db.session.commit()
    assert folded_user(user) is None  # a deleted movie is no positive


def test_a_watchlist_entry_of_an_unrated_movie_weighs_as_three_stars(films, model):
    listed, rater = UserFactory(), UserFactory()
    watchlist(listed, films[2])
    rate_many([(listed, films[0], 5), (rater, films[0], 5), (rater, films[2], 3)])
    by_watchlist, by_rating = folded_user(listed), folded_user(rater)
    np.testing.assert_allclose(by_watchlist.factors, by_rating.factors, rtol=1e-6)
    assert by_watchlist.rated.tolist() == [True, False]
    # A rating says more than the entry: 1 star on a watchlisted movie is no positive.
    rate(listed, films[2], 1)
    assert folded_user(listed).movie_ids.tolist() == [films[0].id]


def test_a_retrain_supersedes_folded_in_factors(films, model):
    user, fans = UserFactory(), UserFactory.create_batch(3)
    rate_many([(user, films[0], 5)] + [(fan, film, 5) for fan in fans for film in films[:4]])
    before = folded_user(user)
    assert np.array_equal(before.model.item_factors, model.item_factors)
    recommender.retrain()
    after = folded_user(user)
    trained = recommender.loaded_model()
    assert after.model is trained and trained is not before.model
    expected = implicit_als(trained).recalculate_user(0, user_items(trained, {films[0]: 3}))
    np.testing.assert_allclose(after.factors, expected, rtol=1e-4, atol=1e-5)
    assert after.factors.shape != before.factors.shape  # the hand-built model had 4 factors, the trained one 64


def test_deactivated_and_deleted_users_are_never_folded_in(films, model):
    user = UserFactory()
    rate(user, films[0], 5)
    watchlist(user, films[1])
    assert folded_user(user) is not None
    stale = db.session.get(User, user.id)
    db.session.execute(db.update(User).where(User.id == user.id).values(is_active=False))
    db.session.commit()
    assert folded_user(stale) is None  # read from the database, whatever the object in hand says
    assert rank(stale, limit=3).source == POPULAR
    user.is_active = True
    db.session.commit()
    assert folded_user(user) is not None  # activation too is followed at once
    user_id = user.id
    db.session.delete(user)
    db.session.commit()
    assert db.session.query(Rating).filter_by(user_id=user_id).count() == 0
    ghost = User(id=user_id, username="ghost", email="ghost@example.com", is_active=True)
    assert folded_user(ghost) is None


def test_training_counts_watchlist_entries_as_positives_but_not_as_ratings(films):
    fans, listed, inactive = UserFactory.create_batch(2), UserFactory(), UserFactory(is_active=False)
    rate_many([(fan, film, 5) for fan in fans for film in films[:2]] + [(listed, films[0], 2)])
    watchlist(listed, films[2])  # unrated: a positive
    watchlist(listed, films[0])  # rated (2 stars): the rating counts, not the entry
    watchlist(inactive, films[3])
    result = recommender.retrain()
    assert result.message() == "Model trained: 3 users, 3 movies, 4 ratings"
    assert recommender.stored_payload()["item_ids"].tolist() == [films[0].id, films[1].id, films[2].id]


def test_a_process_that_builds_the_app_runs_blas_on_one_thread(tmp_path):
    """Set once per process by create_app (gunicorn's workers inherit it from the master): the request path's small
    solves and products must not wake a pool of BLAS threads in every request thread."""
    script = (
        "from moviesx import create_app; from threadpoolctl import threadpool_info; "
        f"create_app({base_config(tmp_path, 'sqlite://')!r}); "
        "print(sorted({lib['num_threads'] for lib in threadpool_info() if lib['user_api'] == 'blas'}))"
    )
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, cwd=ROOT, env=project_env(), capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "[1]", result.stderr
