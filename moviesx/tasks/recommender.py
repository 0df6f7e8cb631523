"""Recommender jobs: the retrain that the scheduler and the rating counter enqueue."""

from __future__ import annotations

import logging

from moviesx.services import jobs
from moviesx.services.feed import recommender
from moviesx.tasks import job

log = logging.getLogger("moviesx.tasks")


@job
def retrain_model() -> str:
    """Train on the current ratings and store the model; returns the line `recommender retrain` prints."""
    jobs.started(recommender.RETRAINING)  # before reading the ratings: changes from now on may enqueue the next one
    result = recommender.retrain()
    message = recommender.NO_RATINGS if result is None else result.message()
    log.info(message)
    return message
