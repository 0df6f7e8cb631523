"""Helpers for dependency outages: Redis behind a proxy that can be cut, the limiter's storage, logs and metrics."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

import pytest
from prometheus_client import REGISTRY
from redis import Redis

from tests.support.backends import redis_url
from tests.support.tcp_proxy import TcpProxy


class Records(logging.Handler):
    """Keeps every record of one logger (the app's loggers do not propagate to pytest's handler)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def at(self, level: int) -> list[str]:
        return [record.getMessage() for record in self.records if record.levelno == level]


@pytest.fixture
def log_of():
    """`log_of("moviesx.feed")` -> the records that logger emits during the test."""
    attached: list[tuple[logging.Logger, Records]] = []

    def attach(name: str) -> Records:
        handler, logger = Records(), logging.getLogger(name)
        logger.addHandler(handler)
        attached.append((logger, handler))
        return handler

    yield attach
    for logger, handler in attached:
        logger.removeHandler(handler)


def counter(name: str, **labels: str) -> float:
    """The current value of a Prometheus counter (0 before its first increment)."""
    return REGISTRY.get_sample_value(f"{name}_total", labels) or 0.0


@pytest.fixture
def redis_proxy():
    """A TcpProxy in front of this worker's (emptied) test Redis database; `proxy.url` reaches it through the proxy."""
    url = redis_url()
    Redis.from_url(url).flushdb()
    target = urlsplit(url)
    with TcpProxy(target.hostname, target.port or 6379) as proxy:
        proxy.url = f"redis://127.0.0.1:{proxy.port}{target.path}"
        yield proxy


@pytest.fixture
def limiter_storage(app, tmp_path):
    """`limiter_storage(uri)` moves the test's (fresh) app's rate limits to `uri`, with the options production
    derives from it; the next tests get a memory storage back."""
    from moviesx.config import Config
    from moviesx.extensions import limiter

    def use(uri: str) -> None:
        options = Config(tmp_path, environ={"RATELIMIT_STORAGE_URI": uri}).as_dict().get("RATELIMIT_STORAGE_OPTIONS", {})
        app.config.update(RATELIMIT_STORAGE_URI=uri, RATELIMIT_STORAGE_OPTIONS=options)
        limiter.init_app(app)

    yield use
    use("memory://")
