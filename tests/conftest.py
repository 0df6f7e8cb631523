"""Fixtures: a fresh app and database per test, on SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import contextlib
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

import tests.support.backends  # noqa: F401 - cleans the environment before any app is built
from moviesx.config import REDIS_CACHE_TYPE
from tests.support.backends import SqliteTemplate, backends, check_postgres, postgres_url, redis_url
from tests.support.conformance import CHECK_CONFORMANCE, conformance_of


@event.listens_for(Engine, "connect")
def _fast_sqlite(dbapi_connection, connection_record) -> None:
    """Tests do not need durability: skip fsync on SQLite files and on PostgreSQL commits."""
    module = type(dbapi_connection).__module__
    if module.startswith("sqlite3"):
        dbapi_connection.execute("PRAGMA synchronous=OFF")
    elif module.startswith("psycopg"):
        dbapi_connection.execute("SET synchronous_commit TO off")
        dbapi_connection.commit()


TEST_SECRET = "test-secret-key-that-is-long-enough-for-hs256"


def base_config(tmp_path, database_url: str, **overrides) -> dict:
    config = {
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "MOVIESX_ENV": "testing",
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CACHE_TYPE": "FileSystemCache",
        "CACHE_DIR": str(tmp_path / "cache"),
        "CACHE_THRESHOLD": 0,
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
    }
    config.update(overrides)
    return config


def _build_schema(url: str) -> None:
    """The models' tables, stamped at the migrations' head as `flask db upgrade` leaves them (/readyz checks it)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from moviesx import create_app
    from moviesx.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": TEST_SECRET, "MOVIESX_ENV": "testing"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        # Not flask_migrate.stamp(): the migrations' env.py reconfigures logging for the whole test session.
        with db.engine.begin() as connection:
            MigrationContext.configure(connection).stamp(ScriptDirectory(app.extensions["migrate"].directory), "heads")
        db.engine.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    template = SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))
    template.ensure(_build_schema)
    return template


@pytest.fixture(scope="session")
def postgres_schema():
    url = postgres_url()
    check_postgres(url)
    _build_schema(url)
    return url


class BufferedClient(FlaskClient):
    """Reads and closes every response, as a server does, so jobs deferred to response close run."""

    def open(self, *args, **kwargs):
        kwargs.setdefault("buffered", True)
        response = super().open(*args, **kwargs)
        if CHECK_CONFORMANCE and self.application.extensions.get("flask-smorest"):
            body = response.get_json(silent=True) if response.is_json else response.get_data()
            conformance_of(self.application).check(
                response.request.method, response.request.path, response.status_code, body, response.content_type or ""
            )
        return response


@pytest.fixture(scope="session")
def shared_dir(tmp_path_factory):
    """Media, cache and SQLite files shared by the reusable apps of one test session."""
    return tmp_path_factory.mktemp("shared")


@pytest.fixture(params=backends())
def backend(request):
    if request.param == "postgresql":
        request.getfixturevalue("postgres_schema")
    return request.param


@pytest.fixture
def database_url(request, backend, shared_dir):
    if backend == "sqlite":
        return f"sqlite:///{shared_dir / 'test.db'}"
    return request.getfixturevalue("postgres_schema")


@pytest.fixture
def app_config(shared_dir, database_url):
    """The config of this test's app. Change it in a fixture that runs before `app` to get an app of your own."""
    return base_config(shared_dir, database_url)


# One app per backend is built once and reset between tests: building an app (routes, OpenAPI document) costs
# far more than a test. Tests that change `app_config` or are marked `fresh_app` (e.g. to add routes) get a new one.
_REUSABLE_APPS: dict[str, object] = {}


@pytest.fixture
def app(request, app_config, backend, shared_dir, sqlite_template, database_url):
    from moviesx import create_app
    from moviesx.extensions import db

    pristine = base_config(shared_dir, database_url)
    fresh = request.node.get_closest_marker("fresh_app") is not None or app_config != pristine
    if fresh:
        config = dict(app_config)
        if backend == "sqlite" and config["SQLALCHEMY_DATABASE_URI"].endswith(str(shared_dir / "test.db")):
            config["SQLALCHEMY_DATABASE_URI"] = sqlite_template.copy_to(request.getfixturevalue("tmp_path") / "test.db")
        application = create_app(config)
        application.test_client_class = BufferedClient
    else:
        application = _REUSABLE_APPS.get(backend)
        if application is None:
            application = create_app(app_config)
            application.test_client_class = BufferedClient
            _REUSABLE_APPS[backend] = application
            application.extensions["tests_pristine_config"] = dict(application.config)
    with application.app_context():
        _reset_state(application, backend, sqlite_template, fresh)
        try:
            yield application
        finally:
            db.session.remove()
            db.engine.dispose()  # fresh connections: a test may have cut the pooled ones (checked only when idle)
            if db.engine.dialect.name == "postgresql":
                _empty_tables(db)
            db.engine.dispose()
            if not fresh:
                application.config.clear()
                application.config.update(application.extensions["tests_pristine_config"])


def _reset_state(application, backend, sqlite_template, fresh) -> None:
    """A clean database, cache, rate-limit storage and media folder for the test."""
    from moviesx.extensions import cache, db, limiter
    from moviesx.services.media import install_default_images

    db.session.remove()
    db.engine.dispose()
    if db.engine.dialect.name == "sqlite" and not fresh:
        target = application.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        shutil.copyfile(sqlite_template.path, target)
    if not application.config.get("TESTS_CACHE_UNREACHABLE"):
        cache.clear()
    limiter.storage.reset()
    media = Path(application.config["MEDIA_ROOT"])
    shutil.rmtree(media, ignore_errors=True)
    install_default_images(application)


def _empty_tables(db) -> None:
    """Delete every row in one round trip (PostgreSQL tests share one database; each test leaves it empty)."""
    db.session.rollback()
    statement = "; ".join(f'DELETE FROM "{table.name}"' for table in reversed(db.metadata.sorted_tables))
    with db.engine.begin() as connection:
        connection.exec_driver_sql(statement)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def redis_app_config(app_config):
    """An app configured like production: Redis for cache, limiter and jobs (needs REDIS_URL)."""
    url = redis_url()
    from redis import Redis

    Redis.from_url(url).flushdb()
    app_config.update(
        REDIS_URL=url,
        CACHE_TYPE=REDIS_CACHE_TYPE,
        CACHE_REDIS_URL=url,
        RATELIMIT_STORAGE_URI=url,
    )
    return app_config


class FakeClock:
    """An injectable clock (`app.config["CLOCK"]`) that only moves when told."""

    def __init__(self, start: datetime | None = None):
        self.now = start or datetime.now(UTC).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock(app):
    fake = FakeClock()
    app.config["CLOCK"] = fake
    return fake


class QueryCounter:
    def __init__(self):
        self.statements: list[str] = []

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter:` counts the SQL statements run inside the block."""
    from moviesx.extensions import db

    @contextlib.contextmanager
    def counting():
        counter = QueryCounter()

        def record(conn, cursor, statement, parameters, context, executemany):
            counter.statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", record)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", record)

    return counting


@pytest.fixture
def token_for(app):
    """`token_for(user)` -> a fresh access token; `headers_for(user)` -> its Authorization header."""
    from moviesx.services.accounts.tokens import issue_access

    return issue_access


@pytest.fixture
def headers_for(token_for):
    def headers(user) -> dict[str, str]:
        return {"Authorization": f"Bearer {token_for(user)}"}

    return headers


@pytest.fixture
def as_user(client, headers_for):
    """`as_user(user).get(path)`: the test client with that user's bearer token on every call."""

    class Authenticated:
        def __init__(self, user):
            self.headers = headers_for(user)

        def open(self, method: str, path: str, **kwargs):
            headers = {**self.headers, **kwargs.pop("headers", {})}
            return client.open(path, method=method, headers=headers, **kwargs)

        def get(self, path, **kw):
            return self.open("GET", path, **kw)

        def post(self, path, **kw):
            return self.open("POST", path, **kw)

        def put(self, path, **kw):
            return self.open("PUT", path, **kw)

        def delete(self, path, **kw):
            return self.open("DELETE", path, **kw)

    return Authenticated


@pytest.fixture
def other_process(app, tmp_path):
    """A second app on the same database and Redis (directly, so it never sees the outage): another worker process."""
    from moviesx import create_app
    from moviesx.extensions import db

    other = create_app(
        base_config(
            tmp_path / "other",
            app.config["SQLALCHEMY_DATABASE_URI"],
            CACHE_TYPE=REDIS_CACHE_TYPE,
            CACHE_REDIS_URL=redis_url(),
            FEED_CACHE_SECONDS=app.config["FEED_CACHE_SECONDS"],
        )
    )
    yield other
    with other.app_context():
        db.engine.dispose()
