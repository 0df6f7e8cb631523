"""A real RQ worker process runs an enqueued retrain; the serving app picks up the new model without restart."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from moviesx.services.feed import recommender
from moviesx.services.feed.recommendations import recommend
from tests.conftest import TEST_SECRET
from tests.factories import UserFactory
from tests.support.recommender import model_ranking, movie, rate_many

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def app_config(redis_app_config):
    redis_app_config["RECOMMENDER_RETRAIN_AFTER"] = 2
    return redis_app_config


def run_worker(app) -> subprocess.CompletedProcess:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("MOVIESX_", "RECOMMENDER_", "DATABASE_", "REDIS_", "CACHE_"))
    }
    env.update(
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        REDIS_URL=app.config["REDIS_URL"],
        SECRET_KEY=TEST_SECRET,
        MOVIESX_ENV="testing",
        RATELIMIT_STORAGE_URI="memory://",
    )
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "rq", "worker", "--burst"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_worker_retrains_and_the_server_reloads(app):
    action, drama = [movie(popularity=0) for _ in range(3)], [movie(popularity=9) for _ in range(3)]
    fans = UserFactory.create_batch(4)
    probe = UserFactory()
    rate_many([(u, m, 5) for u in fans for m in drama] + [(probe, drama[0], 5)])
    first = recommender.retrain()
    assert recommender.loaded_model() is not None
    assert model_ranking(probe.id, 6) is not None

    # New ratings: the probe's taste moves to the action movies, two changes enqueue a retrain on Redis.
    rate_many([(u, m, 5) for u in fans[:2] for m in action] + [(probe, action[0], 5), (probe, action[1], 5)])
    recommender.note_rating_change()
    recommender.note_rating_change()
    from moviesx.services.jobs import queue

    assert queue().count == 1
    assert recommender.stored_version() == first.version  # nothing ran in this process

    result = run_worker(app)
    assert result.returncode == 0, result.stderr

    assert queue().count == 0
    assert recommender.stored_version() != first.version
    model = recommender.loaded_model()
    assert sorted(model.item_ids.tolist()) == sorted(m.id for m in action + drama)
    assert action[2].id in recommend(probe, limit=20)
