"""The stored model in chunks (no cache value above RECOMMENDER_CHUNK_BYTES): a complete model loads as it was trained,
any missing or foreign part means no model (the popularity fallback), never a 500."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

from moviesx.extensions import cache
from moviesx.services.feed import model_store, recommender
from tests.factories import UserFactory
from tests.support.recommender import ids, model_ranking, movie, rate_many

TINY_CHUNK = 512


@pytest.fixture
def trained(app):
    """Two taste groups; the probe liked two action movies. Stored in chunks of 512 bytes."""
    action, drama = [movie() for _ in range(3)], [movie() for _ in range(3)]
    fans = UserFactory.create_batch(8)
    probe = UserFactory()
    rate_many(
        [(u, m, 5) for u in fans[:4] for m in action]
        + [(u, m, 4) for u in fans[4:] for m in drama]
        + [(probe, action[0], 5), (probe, action[1], 4)]
    )
    app.config["RECOMMENDER_CHUNK_BYTES"] = TINY_CHUNK
    result = recommender.retrain()
    return {"probe": probe, "action": action, "drama": drama, "version": result.version}


def stored_chunks() -> list[bytes]:
    return [cache.get(key) for key in model_store.chunk_keys(recommender.MODEL_KEY, recommender.stored_manifest())]


def test_the_model_is_split_into_chunks_no_larger_than_the_setting(trained, app):
    manifest = recommender.stored_manifest()
    assert set(manifest) == {"version", "trained_at", "settings", "ratings", "chunks", "bytes", "sha256"}
    assert manifest["version"] == trained["version"] == recommender.stored_version()
    chunks = stored_chunks()
    factors = 9 * app.config["RECOMMENDER_FACTORS"] * 4  # the user factors alone (float32)
    assert manifest["chunks"] == len(chunks) > factors // TINY_CHUNK
    assert all(len(chunk) <= TINY_CHUNK for chunk in chunks)
    assert sum(len(chunk) for chunk in chunks) == manifest["bytes"]
    # Loaded back, the model is the one trained, whatever the chunk size.
    model = recommender.loaded_model()
    app.config["RECOMMENDER_CHUNK_BYTES"] = 64 * 2**20
    recommender.retrain()
    assert recommender.stored_manifest()["chunks"] == 1
    whole = recommender.loaded_model()
    assert whole is not model
    for name in recommender.ARRAY_NAMES:
        assert np.array_equal(getattr(model, name), getattr(whole, name))
    assert set(model_ranking(trained["probe"].id, 3)) == set(ids(trained["action"]))


def test_a_chunk_is_never_larger_than_256_mib(app, monkeypatch):
    monkeypatch.setattr(model_store, "MAX_CHUNK_BYTES", 100)  # stands for 256 MiB
    arrays = {"user_factors": np.arange(200, dtype=np.float32)}
    manifest = model_store.write(recommender.MODEL_KEY, {"version": "v"}, arrays, chunk_bytes=10**12)
    assert manifest["chunks"] == -(-len(pickle.dumps(arrays, protocol=pickle.HIGHEST_PROTOCOL)) // 100) > 1
    assert max(len(cache.get(key)) for key in model_store.chunk_keys(recommender.MODEL_KEY, manifest)) == 100


def fallback_for(trained) -> list[int]:
    """The probe's popularity fallback here: every unrated movie by id, newest first (no genre, no popularity)."""
    return sorted(ids(trained["drama"]) + [trained["action"][2].id], reverse=True)


def feed(as_user, user) -> list[int]:
    response = as_user(user).get("/api/movies/")
    assert response.status_code == 200
    return [item["id"] for item in response.get_json()]


def test_a_missing_chunk_is_no_model_and_the_feed_falls_back(trained, as_user):
    keys = model_store.chunk_keys(recommender.MODEL_KEY, recommender.stored_manifest())
    cache.delete(keys[len(keys) // 2])
    assert recommender.loaded_model() is None
    assert model_ranking(trained["probe"].id, 3) is None
    assert feed(as_user, trained["probe"]) == fallback_for(trained)


def test_a_corrupted_chunk_is_no_model(trained, as_user):
    keys = model_store.chunk_keys(recommender.MODEL_KEY, recommender.stored_manifest())
    chunk = cache.get(keys[0])
    cache.set(keys[0], bytes(reversed(chunk)), timeout=0)  # same size, other bytes
    assert recommender.loaded_model() is None
    assert feed(as_user, trained["probe"]) == fallback_for(trained)


def test_a_manifest_of_another_version_is_no_model(trained, as_user):
    cache.set(recommender.VERSION_KEY, "a-version-being-written", timeout=0)
    assert recommender.loaded_model() is None
    assert feed(as_user, trained["probe"]) == fallback_for(trained)
    cache.set(recommender.VERSION_KEY, trained["version"], timeout=0)  # the manifest's version: loaded again
    assert set(model_ranking(trained["probe"].id, 3)) == set(ids(trained["action"]))


def test_a_model_stored_in_one_value_by_an_older_release_is_no_model(trained, as_user):
    payload = recommender.stored_payload()
    one_value = {name: payload[name] for name in ("version", "trained_at", "settings", "ratings", *recommender.ARRAY_NAMES)}
    cache.set(recommender.MODEL_KEY, one_value, timeout=0)
    assert recommender.stored_version() == one_value["version"]
    assert recommender.loaded_model() is None
    assert feed(as_user, trained["probe"]) == fallback_for(trained)


def test_a_new_model_removes_the_previous_chunks(trained):
    previous = model_store.chunk_keys(recommender.MODEL_KEY, recommender.stored_manifest())
    assert all(cache.get(key) is not None for key in previous)
    recommender.retrain()
    current = model_store.chunk_keys(recommender.MODEL_KEY, recommender.stored_manifest())
    assert not set(previous) & set(current)
    assert all(cache.get(key) is None for key in previous)
    assert all(cache.get(key) is not None for key in current)


def test_a_process_that_loaded_a_model_keeps_it_while_the_next_is_written(trained):
    model = recommender.loaded_model()
    assert model is not None
    # The trainer has replaced the manifest but not yet bumped the version key: this process still serves its model.
    model_store.write(recommender.MODEL_KEY, {"version": "next"}, {"user_ids": np.arange(3)}, TINY_CHUNK)
    assert recommender.loaded_model() is model
