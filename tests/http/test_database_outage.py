"""A database that cannot be reached answers 503 with Retry-After, is logged once per outage, and is recovered from
without a restart (API.md 21). PostgreSQL goes away for real behind a loopback proxy; SQLite through a missing file."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, make_url, select, text
from sqlalchemy.exc import OperationalError

from moviesx import create_app
from moviesx.config import Config, ConfigError
from moviesx.extensions import db
from moviesx.http.auth import VERIFIED, authenticated
from moviesx.http.errors import json_response
from moviesx.models import User
from moviesx.services.accounts.tokens import issue_access
from moviesx.services.connections import PING_AFTER_IDLE_SECONDS
from tests.conftest import base_config
from tests.factories import DEFAULT_PASSWORD, MovieFactory, UserFactory
from tests.support.tcp_proxy import TcpProxy

UNAVAILABLE = {"error": "Service temporarily unavailable"}
SIGNUP = {
    "username": "newcomer",
    "email": "newcomer@example.com",
    "first_name": "New",
    "last_name": "Comer",
    "password": "a-very-long-passphrase-42",
}
postgresql_only = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)


def production_engine_options(instance: Path, database_url: str, **environ: str) -> dict:
    """The engine options the app gets in production for this URL (the suite's own apps use none)."""
    config = Config(instance, {"DATABASE_URL": database_url, "SECRET_KEY": "x" * 32, **environ}).as_dict()
    return config["SQLALCHEMY_ENGINE_OPTIONS"]


@pytest.fixture
def proxy(postgres_schema):
    url = make_url(postgres_schema)
    with TcpProxy(url.host or "127.0.0.1", url.port or 5432) as tcp_proxy:
        yield tcp_proxy


@pytest.fixture
def app_config(request, shared_dir, database_url, backend):
    """The production engine options; PostgreSQL is reached through the proxy."""
    if backend == "postgresql":
        proxy = request.getfixturevalue("proxy")
        database_url = make_url(database_url).set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    return base_config(shared_dir, database_url, SQLALCHEMY_ENGINE_OPTIONS=production_engine_options(shared_dir, database_url))


@pytest.fixture
def outage(app, proxy):
    """The proxy, restored after the test so that the app fixture can empty the tables."""
    yield proxy
    proxy.restore()


@pytest.fixture
def server(client):
    """Requests served as a server serves them: each in its own thread and app context, so teardown runs."""

    class Server:
        def open(self, method: str, path: str, **kwargs):
            with ThreadPoolExecutor(1) as pool:
                return pool.submit(client.open, path, method=method, **kwargs).result()

        def post(self, path: str, **kwargs):
            return self.open("POST", path, **kwargs)

    return Server()


@pytest.fixture
def outage_log(caplog):
    """Warnings and errors of the app's loggers (they do not propagate to the root logger); request it after the app,
    whose creation resets those loggers' handlers."""
    logger = logging.getLogger("moviesx")
    logger.addHandler(caplog.handler)
    caplog.handler.setLevel(logging.WARNING)
    try:
        yield caplog
    finally:
        logger.removeHandler(caplog.handler)


def assert_unavailable(response) -> None:
    assert response.status_code == 503, response.get_json()
    assert response.get_json() == UNAVAILABLE
    assert response.headers["Retry-After"] == "5"


def login(client):
    return client.post("/api/auth/login/", json={"username": "alice", "password": DEFAULT_PASSWORD})


def messages(caplog) -> list[tuple[int, str]]:
    return [(record.levelno, record.getMessage()) for record in caplog.records]


@postgresql_only
def test_postgresql_going_away_answers_503_and_the_pool_recovers(app, outage, server, outage_log):
    alice = UserFactory(username="alice")
    slug = MovieFactory().slug
    headers = {"Authorization": f"Bearer {issue_access(alice)}"}
    db.session.remove()  # the test's own session holds no connection into the outage
    requests = [
        lambda: login(server),
        lambda: server.open("GET", f"/api/movies/{slug}/", headers=headers),
        lambda: server.open("GET", "/api/movies/", headers=headers),
        lambda: server.open("POST", "/api/auth/signup/", json=SIGNUP),
    ]
    assert login(server).status_code == 200  # the pool holds a connection through the proxy
    outage.cut()
    for send in requests * 2:
        assert_unavailable(send())
    assert messages(outage_log) == [(logging.ERROR, "The database cannot be reached; answering 503 until it can")]

    outage.restore()
    for send in requests:
        assert send().status_code == 200
    assert db.session.scalar(select(func.count()).where(User.username == "newcomer")) == 1
    assert len(outage_log.records) == 2
    level, recovery = messages(outage_log)[1]
    assert level == logging.WARNING and recovery.startswith("The database can be reached again after ")
    assert recovery.endswith(" s (8 requests answered 503)")


@postgresql_only
def test_a_pooled_connection_that_died_while_idle_is_replaced_before_use(app, outage, server, outage_log):
    """Connections are checked when they come out of the pool after PING_AFTER_IDLE_SECONDS or more of rest."""
    assert login(server).status_code == 401  # (no such user yet) the pool holds a connection through the proxy
    outage.cut()
    outage.restore()  # the connection is gone, the database is back
    time.sleep(PING_AFTER_IDLE_SECONDS + 0.1)
    UserFactory(username="alice")
    db.session.remove()
    assert login(server).status_code == 200
    assert outage_log.records == []


@postgresql_only
def test_each_outage_is_logged_once(app, outage, server, outage_log):
    UserFactory(username="alice")
    for _ in range(2):
        outage.cut()
        for _ in range(3):
            assert_unavailable(login(server))
        outage.restore()
        assert login(server).status_code == 200
    assert [level for level, _ in messages(outage_log)] == [logging.ERROR, logging.WARNING] * 2


@postgresql_only
def test_a_connection_lost_in_the_middle_of_a_request_answers_503(app, outage, server, outage_log):
    """After the ladder has loaded the caller, the access log must not reload it from the lost database."""

    @authenticated(VERIFIED)
    def lose_the_database():
        outage.cut()
        db.session.execute(select(User.id)).all()
        return json_response({}, 200)

    app.add_url_rule("/api/_lose/", "lose", lose_the_database)
    alice = UserFactory(username="alice")
    headers = {"Authorization": f"Bearer {issue_access(alice)}"}
    db.session.remove()
    assert_unavailable(server.open("GET", "/api/_lose/", headers=headers))
    outage.restore()
    assert login(server).status_code == 200
    assert [level for level, _ in messages(outage_log)] == [logging.ERROR, logging.WARNING]


@postgresql_only
def test_an_after_request_hook_that_loses_the_database_answers_503(app, outage, server):
    """Flask wraps an error raised after the view in a 500 (in production, where exceptions do not propagate)."""
    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/api/_answered/", "answered", lambda: json_response({}, 200))

    @app.after_request
    def read_after_the_view(response):
        outage.cut()
        db.session.execute(select(User.id)).all()
        return response

    assert_unavailable(server.open("GET", "/api/_answered/"))


@postgresql_only
def test_a_connection_lost_after_the_answer_keeps_the_answer(app, outage, server, outage_log):
    """Closing the request's session at teardown rolls back on the dead connection; the 200 stands."""

    def read_then_lose_the_database():
        count = db.session.scalar(select(func.count(User.id)))
        outage.cut()
        return json_response({"users": count}, 200)

    app.add_url_rule("/api/_read_then_lose/", "read_then_lose", read_then_lose_the_database)
    response = server.open("GET", "/api/_read_then_lose/")
    assert (response.status_code, response.get_json()) == (200, {"users": 0})
    outage.restore()
    UserFactory(username="alice")
    assert login(server).status_code == 200


@postgresql_only
def test_a_cached_feed_is_still_served_without_the_database(app, outage, server):
    alice = UserFactory(username="alice")
    MovieFactory()
    headers = {"Authorization": f"Bearer {issue_access(alice)}"}
    db.session.remove()
    computed = server.open("GET", "/api/movies/", headers=headers)
    assert computed.status_code == 200
    outage.cut()
    cached = server.open("GET", "/api/movies/", headers=headers)
    assert (cached.status_code, cached.get_json()) == (200, computed.get_json())


@pytest.fixture
def unopenable_sqlite_app(tmp_path):
    """An app whose SQLite file is in a directory that does not exist (yet)."""
    url = f"sqlite:///{tmp_path / 'not-yet' / 'moviesx.db'}"
    app = create_app(base_config(tmp_path, url, SQLALCHEMY_ENGINE_OPTIONS=production_engine_options(tmp_path, url)))
    yield app
    with app.app_context():
        db.engine.dispose()


def test_an_sqlite_file_that_cannot_be_opened_answers_503_until_it_exists(unopenable_sqlite_app, sqlite_template, outage_log):
    app = unopenable_sqlite_app
    client = app.test_client()
    with app.app_context():
        stranger = User(id=1, username="alice", verified=True, boarded=True, preferred_language="en")
        headers = {"Authorization": f"Bearer {issue_access(stranger)}"}
    assert_unavailable(login(client))
    assert_unavailable(client.get("/api/movies/", headers=headers))
    assert_unavailable(client.post("/api/auth/signup/", json=SIGNUP))
    assert [level for level, _ in messages(outage_log)] == [logging.ERROR]

    path = Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database)
    path.parent.mkdir()
    sqlite_template.copy_to(path)
    with app.app_context():
        UserFactory(username="alice")
        db.session.remove()
    assert login(client).status_code == 200
    assert client.post("/api/auth/signup/", json=SIGNUP).status_code == 200
    assert [level for level, _ in messages(outage_log)] == [logging.ERROR, logging.WARNING]


@pytest.mark.fresh_app  # it adds a route
@pytest.mark.parametrize("statement", ["SELECT * FROM no_such_table", "SELEC 1"])
def test_a_wrong_statement_stays_a_500(app, server, outage_log, statement):
    """SQLite reports these as OperationalError too: only a connection problem is an outage."""

    def run_a_wrong_statement():
        db.session.execute(text(statement))
        return json_response({}, 200)

    app.add_url_rule("/api/_wrong/", "wrong", run_a_wrong_statement)
    response = server.open("GET", "/api/_wrong/")
    assert (response.status_code, response.get_json()) == (500, {"error": "Internal server error"})
    assert messages(outage_log) == [(logging.ERROR, "Unhandled error")]


@postgresql_only
def test_reading_again_after_a_swallowed_connection_error_answers_503(app, outage, server):
    """Code that catches the first error and goes on meets SQLAlchemy's "can't reconnect until rolled back"."""

    def swallow_the_outage():
        db.session.execute(select(User.id)).all()
        outage.cut()
        with contextlib.suppress(OperationalError):
            db.session.execute(select(User.id)).all()
        db.session.execute(select(User.id)).all()
        return json_response({}, 200)

    app.add_url_rule("/api/_swallow/", "swallow", swallow_the_outage)
    assert_unavailable(server.open("GET", "/api/_swallow/"))


def test_a_pool_with_no_free_connection_answers_503(tmp_path, sqlite_template):
    url = sqlite_template.copy_to(tmp_path / "moviesx.db")
    options = {**production_engine_options(tmp_path, url), "pool_size": 1, "max_overflow": 0, "pool_timeout": 0.1}
    app = create_app(base_config(tmp_path, url, SQLALCHEMY_ENGINE_OPTIONS=options))
    with app.app_context():
        with db.engine.connect():  # holds the only connection
            assert_unavailable(login(app.test_client()))
        assert login(app.test_client()).status_code == 401  # nobody is called alice, but the database answers
        db.engine.dispose()


def test_a_database_that_never_answers_gives_503_within_the_connect_timeout(tmp_path):
    """A server that accepts the connection and then says nothing: without a connect timeout, psycopg waits forever."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)  # the kernel completes the handshakes; nobody ever answers
    url = f"postgresql+psycopg://postgres@127.0.0.1:{listener.getsockname()[1]}/moviesx"
    options = production_engine_options(tmp_path, url, DATABASE_CONNECT_TIMEOUT="2")
    app = create_app(base_config(tmp_path, url, SQLALCHEMY_ENGINE_OPTIONS=options))
    answers = []
    started = time.monotonic()
    request = threading.Thread(target=lambda: answers.append(login(app.test_client())), daemon=True)
    request.start()
    request.join(timeout=20)
    listener.close()
    assert answers, "no answer after 20 s"
    assert_unavailable(answers[0])
    assert time.monotonic() - started < 10


@postgresql_only
def test_a_terminated_backend_answers_503(app, outage, server, postgres_schema):
    """What a restart does to every open connection: the server ends it with 57P01 (admin shutdown)."""

    def lose_the_backend():
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        admin = create_engine(postgres_schema)
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
        db.session.execute(select(User.id)).all()
        return json_response({}, 200)

    app.add_url_rule("/api/_terminated/", "terminated", lose_the_backend)
    assert_unavailable(server.open("GET", "/api/_terminated/"))


def test_connect_timeout_setting(tmp_path):
    def options(url: str, **environ: str) -> dict:
        return production_engine_options(tmp_path, url, **environ)

    postgresql = "postgresql+psycopg://moviesx@db.internal/moviesx"
    assert options(postgresql) == {"connect_args": {"connect_timeout": 5}}
    assert options(postgresql, DATABASE_CONNECT_TIMEOUT="12")["connect_args"] == {"connect_timeout": 12}
    assert options("sqlite:////srv/moviesx.db", DATABASE_CONNECT_TIMEOUT="12") == {}
    with pytest.raises(ConfigError, match="^DATABASE_CONNECT_TIMEOUT must be an integer$"):
        options(postgresql, DATABASE_CONNECT_TIMEOUT="soon")
