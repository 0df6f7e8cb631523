"""The feed's movies are the catalogue's cached bodies (API.md 5.3, 6.7): byte for byte what GET /api/movies/<slug>/
answers in the caller's language and host, and never stale after a catalogue write, whichever of the two caches is
on."""

from __future__ import annotations

import pytest

from moviesx.extensions import db
from moviesx.models import MovieTranslation
from tests.factories import UserFactory
from tests.support.recommender import movie

HOSTS = ["http://localhost", "https://api.example.org"]


@pytest.fixture(params=["both caches", "both on redis", "feed cache off", "catalogue cache off"])
def feed_config(request, app_config):
    if request.param == "both on redis":
        return request.getfixturevalue("redis_app_config")
    if request.param == "feed cache off":
        app_config["FEED_CACHE_SECONDS"] = 0
    if request.param == "catalogue cache off":
        app_config["CATALOG_CACHE_SECONDS"] = 0
    return app_config


@pytest.fixture
def films(feed_config, app):
    heat = movie(slug="heat", title="Heat", popularity=2)
    ronin = movie(slug="ronin", title="Ronin", popularity=1)
    db.session.add(MovieTranslation(movie_id=heat.id, language="es", title="Calor", synopsis="Cosas."))
    db.session.commit()
    return heat, ronin


def feed_and_movies(as_user, user, base_url: str) -> tuple[bytes, bytes]:
    """The feed's body and the body the same movies would have, joined the same way, from their own pages."""
    caller = as_user(user)
    feed = caller.get("/api/movies/", base_url=base_url)
    assert feed.status_code == 200
    pages = [caller.get(f"/api/movies/{item['slug']}/", base_url=base_url) for item in feed.get_json()]
    assert all(page.status_code == 200 for page in pages)
    return feed.get_data(), b"[" + b",".join(page.get_data() for page in pages) + b"]\n"


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_feeds_movies_are_their_own_pages_per_language_and_host(films, as_user, language):
    user = UserFactory(preferred_language=language)
    for base_url in HOSTS:
        feed, pages = feed_and_movies(as_user, user, base_url)
        assert feed == pages
        assert feed.count(base_url.encode()) > 0


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_catalogue_write_reaches_the_feeds_movies(films, as_user, language):
    user, staff = UserFactory(preferred_language=language), as_user(UserFactory(is_staff=True))
    for base_url in HOSTS:
        feed_and_movies(as_user, user, base_url)  # every body cached in both places

    assert staff.put("/api/catalog/movies/heat/", json={"title": "Renamed", "popularity": 0}).status_code == 200
    for base_url in HOSTS:
        feed, pages = feed_and_movies(as_user, user, base_url)
        assert feed == pages
        titles = [item["title"] for item in as_user(user).get("/api/movies/", base_url=base_url).get_json()]
        assert titles == ["Ronin", "Renamed" if language == "en" else "Calor"]

    assert staff.delete("/api/catalog/movies/ronin/").status_code == 204
    for base_url in HOSTS:
        assert [item["slug"] for item in as_user(user).get("/api/movies/", base_url=base_url).get_json()] == ["heat"]
