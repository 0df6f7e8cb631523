"""Enqueue a job on RQ when REDIS_URL is set; otherwise, or while Redis cannot take it, run it inline after the response."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, has_app_context, has_request_context
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry

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


def enqueue(func: Callable, *args: Any, retry: bool = True, **kwargs: Any) -> None:
    """Hand `func(*args, **kwargs)` to the worker, or run it inline after the current response."""
    if current_app.config.get("REDIS_URL") and _queued(func, args, kwargs, retry):
        return
    app = current_app._get_current_object()
    if has_request_context():
        g.setdefault("inline_jobs", []).append((func, args, kwargs))
    else:
        run_inline(app, func, args, kwargs)


def _queued(func: Callable, args: tuple, kwargs: dict, retry: bool) -> bool:
    """Put the job on RQ. Jobs only spread work, so during a request a queue that cannot take it does not lose it:
    False sends it inline after the response, as without REDIS_URL (API.md 21). Outside a request (CLI) the error
    propagates to the command."""
    if not has_request_context():
        queue().enqueue(func, *args, retry=RETRY if retry else None, **kwargs)
        return True
    redis = outage("Job queue", "jobs run inline after the response", log)
    if not redis.due():
        return False
    try:
        queue().enqueue(func, *args, retry=RETRY if retry else None, **kwargs)
    except RedisError as exc:
        redis.failed(exc)
        return False
    redis.answered()
    return True


def run_inline(app: Flask, func: Callable, args: tuple, kwargs: dict) -> None:
    """A failing inline job is logged; it never changes a response."""
    try:
        with app.app_context():
            func(*args, **kwargs)
    except Exception:  # noqa: BLE001 - jobs must not break the caller
        log.exception("Inline job %s failed", getattr(func, "__name__", func))


def run_deferred_jobs(response):
    """after_request: run the inline jobs when the server closes the response."""
    jobs = g.pop("inline_jobs", [])
    if jobs:
        app = current_app._get_current_object()
        response.call_on_close(lambda: [run_inline(app, func, args, kwargs) for func, args, kwargs in jobs])
    return response


def job(func: Callable) -> Callable:
    """Make an RQ job runnable in a worker: push an app context when there is none."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        if has_app_context():
            return func(*args, **kwargs)
        from moviesx import create_app

        with create_app().app_context():
            return func(*args, **kwargs)

    return wrapper
