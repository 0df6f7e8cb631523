"""gunicorn as gunicorn.conf.py configures it, in a real process (hardening item 9, API.md 3.2b, 6.8a): a request line
within the query caps reaches the app, however it is encoded, and so does one far beyond them: both answer JSON."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from tests.factories import GenreFactory, MovieFactory, UserFactory, link_movie
from tests.support.gunicorn import get, running_gunicorn


def long_values(count: int) -> list[str]:
    """Distinct values (repeats count once) of 200 characters, nearly all of 3 bytes in UTF-8: about 1,800 bytes each
    once percent-encoded, as long as a value of 3.2b gets but for characters of 4 bytes."""
    return [f"{number:03}" + "€" * 197 for number in range(count)]


@pytest.fixture
def server(app, tmp_path):
    """gunicorn on a loopback port, on this test's database."""
    database = app.config["SQLALCHEMY_DATABASE_URI"]
    with running_gunicorn(tmp_path, DATABASE_URL=database, RATELIMIT_ENABLED="false", GUNICORN_THREADS="2") as port:
        yield port


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

    response = get(server, target, headers_for(UserFactory()))

    assert (response.status, response.getheader("Content-Type")) == (200, "application/json")
    found = json.loads(response.body)
    assert (found["count"], [movie["slug"] for movie in found["results"]]) == (1, [drama.slug])


def test_five_hundred_genres_reach_the_app_which_keeps_the_first_fifty(server, drama, headers_for):
    target = search_target(long_values(50) + ["drama"] + long_values(500)[50:])
    assert len(target) > 800_000

    response = get(server, target, headers_for(UserFactory()))

    assert (response.status, response.getheader("Content-Type")) == (200, "application/json")
    assert json.loads(response.body)["count"] == 0  # "drama" is the 51st value
