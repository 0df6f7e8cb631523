"""Background jobs (RQ): thin wrappers around services. Services enqueue them by dotted path (moviesx.services.jobs)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import has_app_context


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
