"""Prometheus metrics (API.md 21): defined once here, incremented where things happen, served by GET /metrics.

Under gunicorn the values are shared between workers through prometheus_client's multiprocess mode
(PROMETHEUS_MULTIPROC_DIR, set by gunicorn.conf.py); in a single process they live in the default registry.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import datetime

from flask import Flask
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

log = logging.getLogger("moviesx.metrics")

REQUESTS = Counter(
    "moviesx_http_requests_total",
    "HTTP requests answered, by method, route template and status.",
    ["method", "route", "status"],
)
REQUEST_SECONDS = Histogram(
    "moviesx_http_request_duration_seconds",
    "Time spent answering a request, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
FEED_CACHE = Counter(
    "moviesx_feed_cache_total",
    "Feed requests by cache outcome: hit (served from the cache), miss (computed and stored), bypass (computed, "
    "the cache could not be trusted or reached).",
    ["result"],
)
RATE_LIMIT_STORAGE_ERRORS = Counter(
    "moviesx_rate_limit_storage_errors_total",
    "Requests let through because the rate-limit storage could not be reached.",
)
OUTAGE_RESPONSES = Counter(
    "moviesx_outage_responses_total",
    "503 answers given because a dependency was unreachable, by dependency (database, cache, media).",
    ["dependency"],
)


def exposition(app: Flask) -> bytes:
    """The metrics in Prometheus' text format: under gunicorn, every worker's values summed from the shared files
    (this process's registry would only hold this worker's share), plus the values read at scrape time."""
    registry = CollectorRegistry()
    directory = app.config.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        MultiProcessCollector(registry, path=directory)
    else:
        registry.register(REGISTRY)
    registry.register(ScrapeTimeCollector(app))
    return generate_latest(registry)


class ScrapeTimeCollector(Collector):
    """The serving model and the job queue, read when Prometheus scrapes: they live in the cache and in Redis, shared
    by every process. A dependency that cannot be read leaves its metrics out; the scrape still succeeds."""

    def __init__(self, app: Flask):
        self.app = app

    def collect(self) -> Iterator[Metric]:
        yield from self._model()
        yield from self._queue()

    def _model(self) -> list[Metric]:
        from moviesx.clock import utcnow
        from moviesx.services.feed import recommender

        try:
            version = recommender.stored_version()
            trained_at = self._trained_at(version) if version else None
        except Exception:  # noqa: BLE001 - a cache outage must not fail the scrape
            log.warning("Could not read the model version for metrics", exc_info=True)
            return []
        if trained_at is None:
            return []
        info = GaugeMetricFamily("moviesx_recommender_model_info", "The model serving recommendations.", labels=["version"])
        info.add_metric([version], 1)
        age = GaugeMetricFamily(
            "moviesx_recommender_model_age_seconds",
            "Seconds since the serving model was trained.",
            value=(utcnow() - trained_at).total_seconds(),
        )
        return [info, age]

    def _trained_at(self, version: str) -> datetime | None:
        """Read from the stored model's manifest once per version and process."""
        from moviesx.services.feed import recommender

        known = self.app.extensions.get("moviesx.metrics.model")
        if known is None or known[0] != version:
            manifest = recommender.stored_manifest()
            if manifest is None or manifest.get("version") != version:
                return None
            known = (version, datetime.fromisoformat(manifest["trained_at"]))
            self.app.extensions["moviesx.metrics.model"] = known
        return known[1]

    def _queue(self) -> list[Metric]:
        if not self.app.config.get("REDIS_URL"):
            return []
        from moviesx.services.jobs import QUEUE_NAME, queue

        try:
            jobs = queue(QUEUE_NAME)
            waiting, failed = jobs.count, jobs.failed_job_registry.get_job_count(cleanup=False)
        except Exception:  # noqa: BLE001 - a Redis outage must not fail the scrape
            log.warning("Could not read the job queue for metrics", exc_info=True)
            return []
        depth = GaugeMetricFamily("moviesx_rq_queue_jobs", "Jobs waiting in the RQ queue.", labels=["queue"])
        depth.add_metric([QUEUE_NAME], waiting)
        failures = GaugeMetricFamily("moviesx_rq_failed_jobs", "Jobs in the RQ queue's failed-job registry.", labels=["queue"])
        failures.add_metric([QUEUE_NAME], failed)
        return [depth, failures]
