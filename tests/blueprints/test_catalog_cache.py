"""The public catalogue's bodies are cached under the catalogue token and never stale (issue 14): each test warms the
cache, writes (through the staff API, or the session as `catalog import` does), and reads again, per language and
per host, on both databases; a cache that fails or comes back is never trusted blindly."""

from __future__ import annotations

import logging

import pytest

from moviesx.config import REDIS_CACHE_TYPE
from moviesx.extensions import cache, db
from moviesx.services.catalog import representations
from tests.factories import AwardFactory, GenreFactory, MovieFactory, PersonFactory, PlatformFactory, UserFactory, link_movie
from tests.support import outages
from tests.support.backends import stopped_redis_url
from tests.support.catalog import add_movie_translation, add_person_translation

log_of = outages.log_of
redis_proxy = outages.redis_proxy


@pytest.fixture
def catalogue(app):
    oscar = AwardFactory(slug="oscar", name="Oscar")
    pacino, mann = PersonFactory(slug="al-pacino", awards=[oscar]), PersonFactory(slug="michael-mann")
    crime = GenreFactory(slug="crime", name="Crime")
    netflix = PlatformFactory(slug="netflix", name="Netflix")
    heat = MovieFactory(slug="heat", title="Heat")
    link_movie(heat, genres=[crime], platforms=[netflix], awards=[oscar], actors=[pacino], directors=[mann])
    return {"movie": heat, "person": pacino, "genre": crime, "award": oscar}


@pytest.fixture
def user(app):
    return UserFactory()


@pytest.fixture
def spanish(app):
    return UserFactory(preferred_language="es")


@pytest.fixture
def staff(as_user):
    return as_user(UserFactory(is_staff=True))


def body(as_user, user, path: str, **kwargs):
    response = as_user(user).get(path, **kwargs)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_warm_movie_detail_reads_no_catalogue_row(as_user, user, catalogue, count_queries):
    first = as_user(user).get("/api/movies/heat/")
    db.session.expunge_all()  # a request starts with an empty session, as in production
    with count_queries() as counter:
        second = as_user(user).get("/api/movies/heat/")
    assert second.get_data() == first.get_data()
    assert counter.count <= 2
    assert all("FROM users" in sql for sql in counter.statements)  # the caller's row only


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/api/movies/heat/", "movie"),
        ("/api/persons/al-pacino/", "person"),
        ("/api/genres/", "genres"),
        ("/api/awards/oscar/", "award"),
    ],
)
def test_bodies_are_cached_per_language_and_host(as_user, user, spanish, catalogue, path, kind):
    body(as_user, user, path)
    body(as_user, spanish, path)
    body(as_user, user, path, base_url="https://other.example")
    stored = [key for key in _keys(kind) if cache.get(key) is not None]
    assert len(stored) == 3


def _keys(kind: str) -> list[str]:
    value = {"movie": "heat", "person": "al-pacino", "genres": "", "award": "oscar"}[kind]
    roots = ("http://localhost/", "https://other.example/")
    return [representations.ENTRY_KEY.format(kind, language, root, value) for language in ("en", "es") for root in roots]


def test_staff_writes_show_in_the_next_movie_body(as_user, user, staff, catalogue):
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Heat"
    assert staff.put("/api/catalog/movies/heat/", json={"title": "Heat (1995)"}).status_code == 200
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Heat (1995)"
    assert staff.put("/api/catalog/movies/heat/", json={"actors": []}).status_code == 200
    assert body(as_user, user, "/api/movies/heat/")["actors"] == []
    assert staff.put("/api/catalog/movies/heat/", json={"slug": "heat-1995"}).status_code == 200
    assert as_user(user).get("/api/movies/heat/").status_code == 404
    assert body(as_user, user, "/api/movies/heat-1995/")["title"] == "Heat (1995)"


def test_related_objects_show_in_the_movie_body(as_user, user, spanish, staff, catalogue):
    before = body(as_user, user, "/api/movies/heat/")
    assert before["awards"] == ["http://localhost/api/awards/oscar/"]
    assert staff.put("/api/catalog/awards/oscar/", json={"slug": "academy-award"}).status_code == 200
    assert staff.put("/api/catalog/platforms/netflix/", json={"name": "Netflix+"}).status_code == 200
    assert staff.put("/api/catalog/genres/crime/", json={"translations": {"es": {"name": "Policíaca"}}}).status_code == 200
    assert staff.delete("/api/catalog/persons/michael-mann/").status_code == 204
    after = body(as_user, user, "/api/movies/heat/")
    assert after["awards"] == ["http://localhost/api/awards/academy-award/"]
    assert after["platforms"][0]["name"] == "Netflix+"
    assert after["directors"] == []
    assert after["genres"][0]["name"] == "Crime"
    assert body(as_user, spanish, "/api/movies/heat/")["genres"][0]["name"] == "Policíaca"


def test_a_soft_deleted_and_restored_movie(as_user, user, staff, catalogue):
    body(as_user, user, "/api/movies/heat/")
    assert staff.delete("/api/catalog/movies/heat/").status_code == 204
    assert as_user(user).get("/api/movies/heat/").status_code == 404
    assert as_user(user).get("/api/movies/searching/?name=heat").get_json()["count"] == 0
    assert staff.post("/api/catalog/movies/heat/restore/").status_code == 200
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Heat"
    assert as_user(user).get("/api/movies/searching/?name=heat").get_json()["count"] == 1


def test_translations_per_language(as_user, user, spanish, staff, catalogue):
    assert body(as_user, spanish, "/api/movies/heat/")["title"] == "Heat"
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Heat"
    add_movie_translation(catalogue["movie"], "es", title="Fuego contra fuego")  # a session write, as an import does
    assert body(as_user, spanish, "/api/movies/heat/")["title"] == "Fuego contra fuego"
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Heat"
    translations = {"es": {"title": "Calor", "synopsis": ""}}
    assert staff.put("/api/catalog/movies/heat/", json={"translations": translations}).status_code == 200
    assert body(as_user, spanish, "/api/movies/heat/")["title"] == "Calor"
    assert [m["title"] for m in body(as_user, spanish, "/api/movies/searching/?name=calor")["results"]] == ["Calor"]
    assert body(as_user, user, "/api/movies/searching/?name=calor")["count"] == 0  # the caller's language only

    assert body(as_user, spanish, "/api/persons/al-pacino/")["biography"] == "A person of the cinema."
    add_person_translation(catalogue["person"], "es", "Actor de Nueva York.")
    assert body(as_user, spanish, "/api/persons/al-pacino/")["biography"] == "Actor de Nueva York."
    assert body(as_user, user, "/api/persons/al-pacino/")["biography"] == "A person of the cinema."


def test_person_genre_platform_and_award_bodies_follow_writes(as_user, user, staff, catalogue):
    assert [a["slug"] for a in body(as_user, user, "/api/persons/al-pacino/")["awards"]] == ["oscar"]
    assert body(as_user, user, "/api/awards/oscar/")["category"] == "Best Picture"
    assert [g["slug"] for g in body(as_user, user, "/api/genres/")] == ["crime"]
    assert [p["name"] for p in body(as_user, user, "/api/platforms/")] == ["Netflix"]
    assert staff.put("/api/catalog/awards/oscar/", json={"category": "DR"}).status_code == 200
    assert staff.post("/api/catalog/genres/", json={"name": "Western"}).status_code == 201
    assert staff.delete("/api/catalog/platforms/netflix/").status_code == 204
    assert body(as_user, user, "/api/awards/oscar/")["category"] == "Best Director"
    assert body(as_user, user, "/api/persons/al-pacino/")["awards"][0]["category"] == "Best Director"
    assert [g["slug"] for g in body(as_user, user, "/api/genres/")] == ["crime", "western"]
    assert body(as_user, user, "/api/platforms/") == []
    assert body(as_user, user, "/api/movies/heat/")["platforms"] == []
    assert staff.delete("/api/catalog/awards/oscar/").status_code == 204
    assert body(as_user, user, "/api/persons/al-pacino/")["awards"] == []
    assert as_user(user).get("/api/awards/oscar/").status_code == 404


def test_search_pages_follow_writes(as_user, user, staff, catalogue):
    MovieFactory(slug="heat-2", title="Heat 2")
    assert [m["slug"] for m in body(as_user, user, "/api/movies/searching/?name=heat")["results"]] == ["heat-2", "heat"]
    assert staff.put("/api/catalog/movies/heat-2/", json={"title": "Sequel"}).status_code == 200
    page = body(as_user, user, "/api/movies/searching/?name=heat")
    assert [m["slug"] for m in page["results"]] == ["heat"] and page["count"] == 1
    assert staff.put("/api/catalog/genres/crime/", json={"name": "Thriller"}).status_code == 200
    assert body(as_user, user, "/api/movies/searching/?name=heat")["results"][0]["genres"][0]["name"] == "Thriller"


def test_pages_filtered_on_the_callers_own_data_are_not_shared(as_user, user, catalogue):
    other = UserFactory()
    assert as_user(other).post("/api/movies/heat/ratings/", json={"rating": 5}).status_code == 201
    assert body(as_user, other, "/api/movies/searching/?stars[]=5")["count"] == 1
    assert body(as_user, user, "/api/movies/searching/?stars[]=5")["count"] == 0
    assert as_user(user).post("/api/movies/heat/ratings/", json={"rating": 5}).status_code == 201
    assert body(as_user, user, "/api/movies/searching/?stars[]=5")["count"] == 1


def test_urls_follow_the_host_the_request_names(as_user, user, catalogue):
    for root in ("http://localhost", "https://api.example.org", "http://localhost:8080"):
        movie = body(as_user, user, "/api/movies/heat/", base_url=root)
        assert movie["awards"] == [f"{root}/api/awards/oscar/"] and movie["cover"].startswith(f"{root}/media/")
        assert body(as_user, user, "/api/persons/al-pacino/", base_url=root)["image"].startswith(f"{root}/media/")
        page = body(as_user, user, "/api/movies/searching/?name=heat", base_url=root)
        assert page["results"][0]["actors"] == [f"{root}/api/persons/al-pacino/"]


@pytest.fixture
def proxied_config(app_config):
    app_config["TRUST_PROXY"] = 1
    return app_config


def test_forwarded_scheme_and_host_when_trusted(proxied_config, as_user, user, catalogue):
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "movies.example.com"}
    direct = body(as_user, user, "/api/movies/heat/")
    via_proxy = body(as_user, user, "/api/movies/heat/", headers=forwarded)
    assert direct["awards"] == ["http://localhost/api/awards/oscar/"]
    assert via_proxy["awards"] == ["https://movies.example.com/api/awards/oscar/"]
    assert body(as_user, user, "/api/movies/heat/")["awards"] == direct["awards"]
    assert body(as_user, user, "/api/genres/", headers=forwarded) == body(as_user, user, "/api/genres/")  # no URL in it


def test_an_entry_computed_before_a_commit_is_never_served_after_it(as_user, user, staff, catalogue):
    """A slow reader that read the token before a commit and stores its entry after it: the entry is dead."""
    body(as_user, user, "/api/movies/heat/")
    key = representations.ENTRY_KEY.format("movie", "en", "http://localhost/", "heat")
    late = cache.get(key)
    assert staff.put("/api/catalog/movies/heat/", json={"title": "Heat (1995)"}).status_code == 200
    cache.set(key, late)
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Heat (1995)"


@pytest.fixture
def uncached_config(app_config):
    app_config["CATALOG_CACHE_SECONDS"] = 0
    return app_config


def test_catalog_cache_seconds_zero_turns_it_off(uncached_config, as_user, user, catalogue):
    etag = as_user(user).get("/api/movies/heat/").headers["ETag"]
    assert cache.get(representations.ENTRY_KEY.format("movie", "en", "http://localhost/", "heat")) is None
    assert as_user(user).get("/api/movies/heat/", headers={"If-None-Match": etag}).status_code == 304


@pytest.fixture
def unreachable_cache_config(app_config):
    app_config.update(CACHE_TYPE=REDIS_CACHE_TYPE, CACHE_REDIS_URL=stopped_redis_url(), TESTS_CACHE_UNREACHABLE=True)
    return app_config


def test_without_a_cache_the_bodies_are_computed(unreachable_cache_config, as_user, user, staff, catalogue):
    for path in ("/api/movies/heat/", "/api/persons/al-pacino/", "/api/genres/", "/api/platforms/", "/api/awards/oscar/"):
        response = as_user(user).get(path)
        assert response.status_code == 200 and response.headers["ETag"]
        assert as_user(user).get(path, headers={"If-None-Match": response.headers["ETag"]}).status_code == 304
    assert body(as_user, user, "/api/movies/searching/?name=heat")["count"] == 1
    assert staff.put("/api/catalog/movies/heat/", json={"title": "Heat (1995)"}).status_code == 200
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Heat (1995)"


@pytest.fixture
def cache_behind_proxy_config(app_config, redis_proxy):
    """Cache and jobs on Redis through a proxy the test can cut; rate limits in memory."""
    app_config.update(REDIS_URL=redis_proxy.url, CACHE_TYPE=REDIS_CACHE_TYPE, CACHE_REDIS_URL=redis_proxy.url)
    return app_config


def test_a_body_cached_before_a_redis_outage_is_not_served_after_it(
    cache_behind_proxy_config, redis_proxy, as_user, user, staff, catalogue, clock, log_of
):
    """A write whose invalidation the outage swallowed: Redis comes back with the old entry and the old token, and the
    process that lost it serves no entry until it has replaced the token (API.md 21, as for the feed)."""
    records = log_of("moviesx.feed")
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Heat"
    assert body(as_user, user, "/api/movies/searching/?name=heat")["count"] == 1
    redis_proxy.cut()
    assert staff.put("/api/catalog/movies/heat/", json={"title": "Fire"}).status_code == 200
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Fire"  # computed: no 500
    redis_proxy.restore()
    assert cache.get(representations.ENTRY_KEY.format("movie", "en", "http://localhost/", "heat")) is not None
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Fire"
    assert body(as_user, user, "/api/movies/searching/?name=heat")["count"] == 0
    clock.advance(seconds=1)
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Fire"
    assert body(as_user, user, "/api/movies/searching/?name=fire")["count"] == 1
    assert records.at(logging.WARNING)[0].startswith("Feed cache unreachable (")


@pytest.fixture
def shared_redis_config(redis_app_config):
    return redis_app_config


def test_a_body_this_process_holds_is_not_served_after_another_process_writes(
    shared_redis_config, other_process, as_user, user, spanish, catalogue, headers_for
):
    """Each process keeps the entries it read beside the shared cache; a write anywhere replaces the token they are
    stamped with, which every request reads (with the caller's facts), so none of them is served after it."""
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Heat"
    assert body(as_user, spanish, "/api/movies/heat/")["title"] == "Heat"
    staff = UserFactory(is_staff=True)
    other = other_process.test_client()
    changed = other.put("/api/catalog/movies/heat/", json={"title": "Fire"}, headers=headers_for(staff))
    assert changed.status_code == 200
    assert body(as_user, user, "/api/movies/heat/")["title"] == "Fire"
    assert body(as_user, spanish, "/api/movies/heat/")["title"] == "Fire"
    assert other.get("/api/movies/heat/", headers=headers_for(user)).get_json()["title"] == "Fire"


def test_a_warm_body_held_by_this_process_reads_neither_row_nor_cache_entry(
    shared_redis_config, as_user, user, catalogue, count_queries
):
    first = as_user(user).get("/api/movies/heat/")
    cache.delete(representations.ENTRY_KEY.format("movie", "en", "http://localhost/", "heat"))
    db.session.expunge_all()
    with count_queries() as counter:
        second = as_user(user).get("/api/movies/heat/")
    assert second.get_data() == first.get_data() and second.headers["ETag"] == first.headers["ETag"]
    assert not any("FROM movies" in sql for sql in counter.statements)
