"""Training, storage and serving of the ALS model (API.md 10.5) on tiny hand-built rating sets."""

from __future__ import annotations

import numpy as np
import pytest

from moviesx import create_app
from moviesx.extensions import cache, db
from moviesx.services.feed import recommender
from moviesx.services.feed.recommendations import recommend
from tests.factories import UserFactory
from tests.support.recommender import ids, model_ranking, movie, rate_many


@pytest.fixture
def taste_groups(app):
    """Action fans like a/b/c, drama fans like d/e/f; the probe liked a and b; the critic gave only 1-2 stars."""
    action = [movie() for _ in range(3)]
    drama = [movie() for _ in range(3)]
    action_fans, drama_fans = UserFactory.create_batch(4), UserFactory.create_batch(4)
    probe, critic = UserFactory(), UserFactory()
    rate_many(
        [(u, m, 5) for u in action_fans for m in action]
        + [(u, m, 4) for u in drama_fans for m in drama]
        + [(probe, action[0], 5), (probe, action[1], 4)]
        + [(critic, action[2], 1), (critic, drama[0], 2)]
    )
    return {"action": action, "drama": drama, "probe": probe, "critic": critic, "fans": action_fans + drama_fans}


def test_orientation_users_get_what_similar_users_liked(taste_groups):
    result = recommender.retrain()
    assert result.message() == "Model trained: 9 users, 6 movies, 26 ratings"
    probe = taste_groups["probe"]
    ranking = model_ranking(probe.id, 6)
    assert set(ranking[:3]) == set(ids(taste_groups["action"]))
    assert set(ranking[3:]) == set(ids(taste_groups["drama"]))
    drama_fan = taste_groups["fans"][-1]
    assert set(model_ranking(drama_fan.id, 3)) == set(ids(taste_groups["drama"]))


def test_low_ratings_are_not_positives(taste_groups):
    assert recommender.confidence(np.array([1, 2, 3, 4, 5])).tolist() == [0.0, 0.0, 1.0, 2.0, 3.0]
    recommender.retrain()
    payload = recommender.stored_payload()
    critic = taste_groups["critic"]
    assert critic.id not in payload["user_ids"].tolist()  # only 1-2 stars: unknown to the model
    assert model_ranking(critic.id, 5) is None


def test_a_movie_with_only_low_ratings_is_not_in_the_model(app):
    users = UserFactory.create_batch(3)
    liked, disliked = movie(), movie()
    rate_many([(u, liked, 4) for u in users] + [(u, disliked, 2) for u in users])
    result = recommender.retrain()
    assert (result.users, result.movies, result.ratings) == (3, 1, 3)
    assert recommender.stored_payload()["item_ids"].tolist() == [liked.id]


def test_stored_payload_and_version(taste_groups, app):
    assert recommender.stored_version() is None
    first = recommender.retrain()
    payload = recommender.stored_payload()
    assert set(payload) == {
        "version",
        "trained_at",
        "settings",
        "user_ids",
        "item_ids",
        "user_factors",
        "item_factors",
        "ratings",
        "chunks",
        "bytes",
        "sha256",
    }
    assert payload["version"] == first.version == recommender.stored_version()
    assert payload["settings"] == {
        "factors": app.config["RECOMMENDER_FACTORS"],
        "regularization": app.config["RECOMMENDER_REGULARIZATION"],
        "alpha": app.config["RECOMMENDER_ALPHA"],
        "iterations": app.config["RECOMMENDER_ITERATIONS"],
    }
    assert payload["user_factors"].shape == (9, app.config["RECOMMENDER_FACTORS"])
    assert payload["item_factors"].shape == (6, app.config["RECOMMENDER_FACTORS"])
    assert sorted(payload["item_ids"].tolist()) == sorted(ids(taste_groups["action"] + taste_groups["drama"]))
    second = recommender.retrain()
    assert second.version != first.version
    assert recommender.stored_version() == second.version


def test_training_is_deterministic(taste_groups):
    recommender.retrain()
    first = recommender.stored_payload()["user_factors"]
    recommender.retrain()
    assert np.array_equal(first, recommender.stored_payload()["user_factors"])


def test_no_ratings_keeps_the_previous_model(app):
    assert recommender.retrain() is None
    assert recommender.stored_version() is None
    users = UserFactory.create_batch(2)
    kept = movie()
    rate_many([(u, kept, 5) for u in users])
    version = recommender.retrain().version
    # Nothing left to learn from (the only movie is deleted): the stored model stays.
    kept.delete()
    db.session.commit()
    assert recommender.retrain() is None
    assert recommender.stored_version() == version


def test_failed_training_leaves_the_stored_model(taste_groups, app):
    version = recommender.retrain().version
    app.config["RECOMMENDER_FACTORS"] = -3
    with pytest.raises(Exception):  # noqa: B017 - whatever implicit raises, nothing is stored
        recommender.retrain()
    assert recommender.stored_version() == version
    assert recommender.stored_payload()["version"] == version


def test_serving_process_loads_once_per_version(taste_groups, app, tmp_path):
    recommender.retrain()
    loaded = recommender.loaded_model()
    assert recommender.loaded_model() is loaded  # kept in memory, not unpickled per request
    # Another process sharing the cache sees a new version without restarting.
    other = create_app({**app.config, "INSTANCE_PATH": str(tmp_path / "other")})
    with other.app_context():
        seen_by_other = recommender.loaded_model()
        assert seen_by_other is not None and seen_by_other is not loaded
    recommender.retrain()
    reloaded = recommender.loaded_model()
    assert reloaded is not loaded
    with other.app_context():
        assert recommender.loaded_model() is not seen_by_other
        assert recommender.stored_version() == app.extensions["moviesx.recommender"].version


def test_model_error_falls_back_to_popularity(taste_groups, app):
    recommender.retrain()
    payload = recommender.stored_payload()
    broken = recommender.Factors(
        user_ids=payload["user_ids"],
        item_ids=payload["item_ids"],
        user_factors=payload["user_factors"],
        item_factors=payload["item_factors"][:2],  # fewer factor rows than item ids: shapes no longer match
        ratings=payload["ratings"],
        settings=payload["settings"],
    )
    recommender.store(broken, recommender.settings_from_config(app.config))
    probe = taste_groups["probe"]
    fallback_order = recommend(probe, limit=4)
    # Liked genre rule does not apply (no genres linked): the fallback lists all four unrated movies by id desc.
    assert fallback_order == sorted([m.id for m in taste_groups["drama"]] + [taste_groups["action"][2].id], reverse=True)


def test_evicted_model_means_fallback(taste_groups):
    recommender.retrain()
    cache.delete(recommender.MODEL_KEY)
    assert model_ranking(taste_groups["probe"].id, 3) is None


def test_rating_changes_trigger_a_retrain(taste_groups, app):
    app.config["RECOMMENDER_RETRAIN_AFTER"] = 3
    recommender.note_rating_change()
    recommender.note_rating_change()
    assert recommender.stored_version() is None
    recommender.note_rating_change()  # no REDIS_URL: the job runs inline
    first = recommender.stored_version()
    assert first is not None
    assert cache.get(recommender.CHANGES_KEY) == 0  # training restarts the count
    for _ in range(3):
        recommender.note_rating_change()
    assert recommender.stored_version() != first


def test_retrain_after_zero_never_retrains(taste_groups, app):
    app.config["RECOMMENDER_RETRAIN_AFTER"] = 0
    for _ in range(5):
        recommender.note_rating_change()
    assert recommender.stored_version() is None
