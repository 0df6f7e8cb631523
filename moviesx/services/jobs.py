"""How a service asks for background work: a job named by its dotted path (`moviesx.tasks.accounts.send_reset_email`).

The job goes to RQ when REDIS_URL is set; otherwise, or while Redis cannot take it, it runs inline after the
response. Naming jobs instead of importing them keeps services free of `moviesx.tasks` (tasks call services, never
the reverse): RQ stores the path as it is, and the inline path resolves it the same way.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from werkzeug.utils import import_string

from moviesx.services.outages import outage

log = logging.getLogger("moviesx.tasks")
QUEUE_NAME = "default"
RETRY = Retry(max=3, interval=[10, 60, 300])


def redis_connection(url: str | None = None) -> Redis:
    """One client (and connection pool) per app and URL: a new one per call cost a TCP connect per enqueued job."""
    url = url or current_app.config["REDIS_URL"]
    clients = current_app.extensions.setdefault("moviesx.redis", {})
    if url not in clients:
        clients[url] = Redis.from_url(url, socket_connect_timeout=2, socket_timeout=10)
    return clients[url]


def queue(name: str = QUEUE_NAME) -> Queue:
    return Queue(name, connection=redis_connection())


def enqueue(job: str, *args: Any, retry: bool = True, **kwargs: Any) -> None:
    """Hand the job at dotted path `job` to the worker, or run it inline after the current response."""
    if current_app.config.get("REDIS_URL") and _queued(job, args, kwargs, retry):
        return
    app = current_app._get_current_object()
    if has_request_context():
        g.setdefault("inline_jobs", []).append((job, args, kwargs))
    else:
        run_inline(app, job, args, kwargs)


def _queued(job: str, args: tuple, kwargs: dict, retry: bool) -> bool:
    """Put the job on RQ. Jobs only spread work, so during a request a queue that cannot take it does not lose it:
    False sends it inline after the response, as without REDIS_URL (API.md 21). Outside a request (CLI) the error
    propagates to the command."""
    if not has_request_context():
        queue().enqueue(job, *args, retry=RETRY if retry else None, **kwargs)
        return True
    redis = outage("Job queue", "jobs run inline after the response", log)
    if not redis.due():
        return False
    try:
        queue().enqueue(job, *args, retry=RETRY if retry else None, **kwargs)
    except RedisError as exc:
        redis.failed(exc)
        return False
    redis.answered()
    return True


def run_inline(app: Flask, job: str, args: tuple, kwargs: dict) -> None:
    """A failing inline job is logged; it never changes a response."""
    try:
        with app.app_context():
            import_string(job)(*args, **kwargs)
    except Exception:  # noqa: BLE001 - jobs must not break the caller
        log.exception("Inline job %s failed", job)


def run_deferred_jobs(response: Response) -> Response:
    """after_request: run the inline jobs when the server closes the response."""
    jobs = g.pop("inline_jobs", [])
    if jobs:
        app = current_app._get_current_object()
        response.call_on_close(lambda: [run_inline(app, job, args, kwargs) for job, args, kwargs in jobs])
    return response
