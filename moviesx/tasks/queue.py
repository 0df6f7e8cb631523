"""Enqueue a job on RQ when REDIS_URL is set; otherwise run it inline once the response is sent."""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Flask, current_app, g, has_app_context, has_request_context
from redis import Redis
from rq import Queue, Retry

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
    if current_app.config.get("REDIS_URL"):
        queue().enqueue(func, *args, retry=RETRY if retry else None, **kwargs)
        return
    app = current_app._get_current_object()
    if has_request_context():
        g.setdefault("inline_jobs", []).append((func, args, kwargs))
    else:
        run_inline(app, func, args, kwargs)


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
