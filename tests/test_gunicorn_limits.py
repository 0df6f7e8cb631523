"""gunicorn as gunicorn.conf.py configures it, in a real process (hardening item 9, API.md 3.2b, 6.8a): a request line
within the query caps reaches the app, however it is encoded, and so does one far beyond them: both answer JSON."""

from __future__ import annotations

import http.client
import json
import subprocess
from urllib.parse import quote

import pytest

from tests.conftest import TEST_SECRET
from tests.factories import GenreFactory, MovieFactory, UserFactory, link_movie
from tests.support.processes import BIN, ROOT, free_port, project_env, wait_until


def long_values(count: int) -> list[str]:
    """Distinct values (repeats count once) of 200 characters, nearly all of 3 bytes in UTF-8: about 1,800 bytes each
    once percent-encoded, as long as a value of 3.2b gets but for characters of 4 bytes."""
    return [f"{number:03}" + "€" * 197 for number in range(count)]


@pytest.fixture
def server(app, tmp_path):
    """gunicorn on a loopback port, on this test's database."""
    port = free_port()
    env = project_env(
        MOVIESX_ENV="testing",
        SECRET_KEY=TEST_SECRET,
        DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
        MEDIA_ROOT=str(tmp_path / "media"),
        RATELIMIT_ENABLED="false",
        GUNICORN_WORKERS="1",
        GUNICORN_THREADS="2",
    )
    command = [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--bind", f"127.0.0.1:{port}", "--no-control-socket"]
    with open(tmp_path / "gunicorn.log", "w") as log:
        process = subprocess.Popen([*command, "wsgi:app"], cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        assert wait_until(lambda: _healthy(port), timeout=60), (tmp_path / "gunicorn.log").read_text()
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()  # its workers exit when they find their master gone
            process.wait()


def _healthy(port: int) -> bool:
    try:
        return get(port, "/healthz")[0] == 200
    except OSError:
        return False


def get(port: int, target: str, headers: dict[str, str] | None = None) -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", target, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type", ""), response.read()
    finally:
        connection.close()


def search_target(genres: list[str]) -> str:
    return "/api/movies/searching/?" + "&".join(f"{quote('genres[]')}={quote(genre)}" for genre in genres)


@pytest.fixture
def drama(app):
    genre = GenreFactory(slug="drama")
    movie = MovieFactory()
    link_movie(movie, genres=[genre])
    app.extensions["sqlalchemy"].session.commit()
    return movie


def test_fifty_genres_of_200_characters_reach_the_app(server, drama, headers_for):
    target = search_target(long_values(49) + ["drama"])
    assert len(target) > 80_000  # ten times gunicorn's largest finite request line (8,190 bytes)

    status, content_type, body = get(server, target, headers_for(UserFactory()))

    assert (status, content_type) == (200, "application/json")
    found = json.loads(body)
    assert (found["count"], [movie["slug"] for movie in found["results"]]) == (1, [drama.slug])


def test_five_hundred_genres_reach_the_app_which_keeps_the_first_fifty(server, drama, headers_for):
    target = search_target(long_values(50) + ["drama"] + long_values(500)[50:])
    assert len(target) > 800_000

    status, content_type, body = get(server, target, headers_for(UserFactory()))

    assert (status, content_type) == (200, "application/json")
    assert json.loads(body)["count"] == 0  # "drama" is the 51st value
