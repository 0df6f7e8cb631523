"""Prometheus metrics (API.md 21): defined once here, incremented where things happen, served by GET /metrics.

Under gunicorn the values are shared between workers through prometheus_client's multiprocess mode
(PROMETHEUS_MULTIPROC_DIR, set by gunicorn.conf.py); in a single process they live in the default registry.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

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
