"""GET /api/users/ is served from the caller's cached SelfUser body and never stale (issue 14): each test warms the
cache, writes (through the API, the staff API or the session), and reads again, per language and per host, on both
databases and on the file cache and Redis; a cache that cannot be reached computes the body."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from moviesx.config import REDIS_CACHE_TYPE
from moviesx.extensions import cache, db
from moviesx.models import User
from moviesx.services.catalog import representations
from moviesx.services.feed.tokens import owned_token_key
from tests.factories import DEFAULT_PASSWORD, PersonFactory, PlatformFactory, UserFactory
from tests.support import outages
from tests.support.cached_bodies import cache_kind_fixture, cache_on, unreachable  # noqa: F401 - `cache_kind`

redis_proxy = outages.redis_proxy


@pytest.fixture
def app_config(app_config, cache_kind):
    return cache_on(app_config, cache_kind)


@pytest.fixture
def me(app):
    user = UserFactory(username="me")
    user.platforms = [PlatformFactory(slug="netflix", name="Netflix")]
    user.following_persons = [PersonFactory(slug="agnes-varda")]
    db.session.commit()
    return user


@pytest.fixture
def staff(as_user):
    return as_user(UserFactory(is_staff=True))


def profile(as_user, user, **kwargs) -> dict:
    response = as_user(user).get("/api/users/", **kwargs)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (3, 3), (0, 200, 0)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_warm_profile_reads_no_row(as_user, me, count_queries):
    first = as_user(me).get("/api/users/")
    db.session.expunge_all()  # a request starts with an empty session, as in production
    with count_queries() as counter:
        second = as_user(me).get("/api/users/")
    assert second.get_data() == first.get_data()
    assert counter.count == 0  # the ladder's facts are cached too
    assert "ETag" not in second.headers  # API.md 20 names the routes that carry one


def test_the_body_is_cached_per_language_and_host(as_user, me):
    english = as_user(me).get("/api/users/")
    other_host = profile(as_user, me, base_url="https://other.example")
    assert other_host["following_persons"] == ["https://other.example/api/persons/agnes-varda/"]
    assert other_host["picture"].startswith("https://other.example/media/")
    assert as_user(me).post("/api/users/preferred-language/", json={"preferred_language": "es"}).status_code == 200
    spanish = as_user(me).get("/api/users/")
    assert spanish.get_json()["preferred_language"] == "es" and spanish.get_data() != english.get_data()
    keys = [
        representations.ENTRY_KEY.format("profile", language, root, me.id)
        for language in ("en", "es")
        for root in ("http://localhost/", "https://other.example/")
    ]
    assert [cache.get(key) is not None for key in keys] == [True, True, True, False]
    assert cache.get(keys[0])[0] != cache.get(keys[2])[0]  # the language write replaced the profile token


def test_own_writes_show_in_the_next_body(as_user, me, client):
    PlatformFactory(slug="mubi", name="Mubi")
    PersonFactory(slug="jacques-demy")
    assert profile(as_user, me)["first_name"] == "Test"
    changes = {"first_name": "Ada", "last_name": "Lovelace", "bio": "Films.", "username": "ada"}
    assert as_user(me).put("/api/users/", json=changes).status_code == 200
    body = profile(as_user, me)
    assert {key: body[key] for key in changes} == changes
    assert as_user(me).put("/api/users/", json={"platforms": ["mubi", "netflix"]}).status_code == 200
    assert [p["slug"] for p in profile(as_user, me)["platforms"]] == ["netflix", "mubi"]
    assert as_user(me).put("/api/users/", json={"following_persons": ["jacques-demy"]}).status_code == 200
    assert profile(as_user, me)["following_persons"] == ["http://localhost/api/persons/jacques-demy/"]
    assert as_user(me).put("/api/users/", json={"following_persons": [], "platforms": []}).status_code == 200
    body = profile(as_user, me)
    assert (body["following_persons"], body["platforms"]) == ([], [])
    picture = {"picture": (io.BytesIO(png()), "me.png")}
    assert as_user(me).put("/api/users/", data=picture, content_type="multipart/form-data").status_code == 200
    assert not profile(as_user, me)["picture"].endswith("/users/default.png")
    assert as_user(me).put("/api/users/", json={"email": "new@example.com"}).status_code == 200
    body = profile(as_user, me)
    assert (body["email"], body["verified"]) == ("new@example.com", False)


def test_session_writes_to_the_row_show_in_the_next_body(as_user, me):
    assert profile(as_user, me)["is_staff"] is False
    me.is_staff, me.boarded = True, False
    db.session.commit()
    body = profile(as_user, me)
    assert (body["is_staff"], body["boarded"]) == (True, False)
    assert as_user(me).post("/api/users/onboarding/").status_code == 200
    assert profile(as_user, me)["boarded"] is True


def test_catalogue_writes_show_in_the_next_body(as_user, me, staff):
    body = profile(as_user, me)
    assert body["platforms"][0]["name"] == "Netflix"
    assert staff.put("/api/catalog/platforms/netflix/", json={"name": "Netflix+"}).status_code == 200
    assert staff.put("/api/catalog/persons/agnes-varda/", json={"slug": "varda"}).status_code == 200
    body = profile(as_user, me)
    assert body["platforms"][0]["name"] == "Netflix+"
    assert body["following_persons"] == ["http://localhost/api/persons/varda/"]
    assert staff.delete("/api/catalog/platforms/netflix/").status_code == 204
    assert staff.delete("/api/catalog/persons/varda/").status_code == 204
    body = profile(as_user, me)
    assert (body["platforms"], body["following_persons"]) == ([], [])


def test_another_users_write_leaves_the_entry_alone(as_user, me):
    other = UserFactory()
    first = as_user(me).get("/api/users/")
    assert as_user(other).put("/api/users/", json={"first_name": "Other"}).status_code == 200
    key = representations.ENTRY_KEY.format("profile", "en", "http://localhost/", me.id)
    assert cache.get(key)[0][1] == cache.get(owned_token_key("profile", me.id))
    assert as_user(me).get("/api/users/").get_data() == first.get_data()


def test_an_entry_computed_before_a_commit_is_never_served_after_it(as_user, me):
    """A slow reader that read the tokens before a commit and stores its entry after it: the entry is dead."""
    profile(as_user, me)
    key = representations.ENTRY_KEY.format("profile", "en", "http://localhost/", me.id)
    late = cache.get(key)
    assert as_user(me).put("/api/users/", json={"first_name": "Later"}).status_code == 200
    cache.set(key, late)
    assert profile(as_user, me)["first_name"] == "Later"


def test_a_deactivated_or_deleted_caller_gets_no_cached_body(as_user, me, client, headers_for):
    headers = headers_for(me)
    assert client.get("/api/users/", headers=headers).status_code == 200
    db.session.get(User, me.id).is_active = False
    db.session.commit()
    assert client.get("/api/users/", headers=headers).status_code == 401
    me.is_active = True
    db.session.commit()
    assert client.get("/api/users/", headers=headers).status_code == 200
    assert client.delete("/api/me/", json={"password": DEFAULT_PASSWORD}, headers=headers).status_code == 204
    assert client.get("/api/users/", headers=headers).status_code == 401


@pytest.fixture
def unreachable_config(app_config):
    return unreachable(app_config)


def test_without_a_cache_the_body_is_computed(unreachable_config, as_user, me):
    assert profile(as_user, me)["first_name"] == "Test"
    assert as_user(me).put("/api/users/", json={"first_name": "Offline"}).status_code == 200
    assert profile(as_user, me)["first_name"] == "Offline"


@pytest.fixture
def cache_behind_proxy_config(app_config, redis_proxy):
    """Cache on Redis through a proxy the test can cut; rate limits in memory."""
    app_config.update(REDIS_URL=redis_proxy.url, CACHE_TYPE=REDIS_CACHE_TYPE, CACHE_REDIS_URL=redis_proxy.url)
    return app_config


def test_bodies_cached_before_a_redis_outage_are_not_served_after_it(cache_behind_proxy_config, redis_proxy, as_user, me, clock):
    """Writes whose invalidation the outage swallowed: Redis comes back with the old entries and tokens, and the
    process serves none of them (the catalogue token it replaces stamps every entry)."""
    from tests.support.lists import list_path, make_list

    movie_list = make_list(me, name="Mine", privacity="P")
    stranger = UserFactory()
    assert profile(as_user, me)["first_name"] == "Test"
    assert as_user(stranger).get(list_path(movie_list)).get_json()["description"] == ""
    redis_proxy.cut()
    assert as_user(me).put("/api/users/", json={"first_name": "Cut"}).status_code == 200
    assert as_user(me).put(list_path(movie_list), json={"name": "Mine", "privacity": "P", "description": "x"}).status_code == 200
    assert profile(as_user, me)["first_name"] == "Cut"  # computed: no 500
    redis_proxy.restore()
    clock.advance(seconds=1)
    assert profile(as_user, me)["first_name"] == "Cut"
    assert as_user(stranger).get(list_path(movie_list)).get_json()["description"] == "x"
