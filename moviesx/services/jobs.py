"""How a service asks for background work: a job named by its dotted path (`moviesx.tasks.accounts.send_reset_email`).

The job goes to RQ when REDIS_URL is set; otherwise, or while Redis cannot take it, it runs inline after the
response. Naming jobs instead of importing them keeps services free of `moviesx.tasks` (tasks call services, never
the reverse): RQ stores the path as it is, and the inline path resolves it the same way.

A job that only brings something up to date (a warm-up) is enqueued with `enqueue_once`: while one is pending
(enqueued and not started), further calls enqueue nothing. The pending job calls `started()` before it reads anything,
so it sees every write whose call found it pending (those calls came after their commits); a call after `started()`
enqueues the next one, delayed (RQ's scheduler) until `spacing` seconds after that start, so that a stream of writes
costs one run per `spacing`, not one per write. The marker expires PENDING_SECONDS after the job was due, so that a
job that never starts (lost, or an enqueue that failed after the marker was set) delays the next one that long at most.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from flask import Flask, Response, current_app, g, has_request_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from werkzeug.utils import import_string

from moviesx.services.outages import Outage, outage

log = logging.getLogger("moviesx.tasks")
QUEUE_NAME = "default"
RETRY = Retry(max=3, interval=[10, 60, 300])
# In the queue's Redis (apart from the cache's keys), per name given to `enqueue_once`: set while its job waits,
# and for `spacing` after it starts.
PENDING_KEY = "jobs:pending:{}"
STARTED_KEY = "jobs:started:{}"
PENDING_SECONDS = 30


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
    _enqueue(None, job, args, kwargs, retry)


def enqueue_once(name: str, job: str, *args: Any, spacing: int = 0, retry: bool = True, **kwargs: Any) -> None:
    """`enqueue`, unless a job enqueued under `name` is still pending: that one has not started, so it will see
    everything committed before this call. It runs `spacing` seconds after the start of the previous one at the
    earliest. The job calls `started(name, spacing)` first thing."""
    _enqueue((name, spacing), job, args, kwargs, retry)


def started(name: str, spacing: int = 0) -> None:
    """Called by a job enqueued with `enqueue_once(name, ..., spacing=spacing)` before it reads anything: calls from
    now on enqueue the next one. A failure is only logged: the marker expires by itself."""
    if not current_app.config.get("REDIS_URL"):
        return
    redis = _queue_outage()
    if not redis.due():
        return
    try:
        with redis_connection().pipeline() as pipeline:
            pipeline.delete(PENDING_KEY.format(name))
            if spacing > 0:
                pipeline.set(STARTED_KEY.format(name), 1, ex=spacing)
            pipeline.execute()
    except RedisError as exc:
        redis.failed(exc)
        return
    redis.answered()


def _enqueue(once: tuple[str, int] | None, job: str, args: tuple, kwargs: dict, retry: bool) -> None:
    if current_app.config.get("REDIS_URL") and _queued(once, job, args, kwargs, retry):
        return
    app = current_app._get_current_object()
    if has_request_context():
        g.setdefault("inline_jobs", []).append((job, args, kwargs))
    else:
        run_inline(app, job, args, kwargs)


def _queued(once: tuple[str, int] | None, job: str, args: tuple, kwargs: dict, retry: bool) -> bool:
    """Put the job on RQ. Jobs only spread work, so during a request a queue that cannot take it does not lose it:
    False sends it inline after the response, as without REDIS_URL (API.md 21). Outside a request (CLI) the error
    propagates to the command."""
    if not has_request_context():
        _put(once, job, args, kwargs, retry)
        return True
    redis = _queue_outage()
    if not redis.due():
        return False
    try:
        _put(once, job, args, kwargs, retry)
    except RedisError as exc:
        redis.failed(exc)
        return False
    redis.answered()
    return True


def _put(once: tuple[str, int] | None, job: str, args: tuple, kwargs: dict, retry: bool) -> None:
    """Enqueue in one round trip (RQ's writes in one pipeline); `once`: (name, spacing) of `enqueue_once`."""
    connection = redis_connection()
    wait_ms = 0
    if once is not None:
        name, spacing = once
        with connection.pipeline() as pipeline:
            pipeline.set(PENDING_KEY.format(name), 1, nx=True, ex=spacing + PENDING_SECONDS)
            pipeline.pttl(STARTED_KEY.format(name))
            marked, wait_ms = pipeline.execute()
        if not marked:
            return
    options = {"retry": RETRY if retry else None, **kwargs}
    with connection.pipeline() as pipeline:
        if wait_ms > 0:
            queue().enqueue_in(timedelta(milliseconds=wait_ms), job, *args, pipeline=pipeline, **options)
        else:
            queue().enqueue(job, *args, pipeline=pipeline, **options)
        pipeline.execute()


def _queue_outage() -> Outage:
    return outage("Job queue", "jobs run inline after the response", log)


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
