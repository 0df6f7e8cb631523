"""GET /api/movies-lists/<username>/<slug>/ is served from the list's cached body and never stale nor shown to whom
may not see it (issue 14): each test warms the cache, writes (through the API, the staff API or the session), and
reads again, per language and per host, on both databases and on the file cache and Redis; visibility is decided
on every request (API.md 6.2); a cache that cannot be reached computes the body."""

from __future__ import annotations

import pytest

from moviesx.extensions import cache, db
from moviesx.models import MovieList
from moviesx.services.catalog import representations
from moviesx.services.social.friends import unfriend
from tests.factories import DEFAULT_PASSWORD, MovieFactory, UserFactory, make_friends
from tests.support.cached_bodies import cache_kind_fixture, cache_on, unreachable  # noqa: F401 - `cache_kind`
from tests.support.lists import NOT_VISIBLE, cast_fixture, list_body, list_path, make_list  # noqa: F401 - `cast`

USER_404 = {"error": "Not Found", "message": "The requested resource was not found.", "model": "User", "lookup_value": "owner"}


@pytest.fixture
def app_config(app_config, cache_kind):
    return cache_on(app_config, cache_kind)


@pytest.fixture
def scene(cast):
    """The owner's lists, one per privacy level, holding two movies."""
    movies = [MovieFactory(slug="heat", title="Heat"), MovieFactory(slug="ronin", title="Ronin")]
    lists = {
        code: make_list(cast.owner, name=f"L {code}", slug=f"l-{code.lower()}", privacity=code, movies=movies) for code in "PFR"
    }
    return cast, lists, movies


@pytest.fixture
def staff(as_user):
    return as_user(UserFactory(is_staff=True))


def detail(as_user, viewer, path: str, **kwargs):
    response = as_user(viewer).get(path, **kwargs)
    return response.status_code, response.get_json()


def test_a_warm_list_reads_no_row_whatever_its_size(as_user, cast, count_queries):
    movies = MovieFactory.create_batch(50)
    small = make_list(cast.owner, name="Small", movies=movies[:2])
    large = make_list(cast.owner, name="Large", movies=movies)
    paths = {"small": list_path(small), "large": list_path(large)}
    for viewer in (as_user(cast.owner), as_user(cast.stranger)):  # (their tokens made before the session is emptied)
        counts = {}
        for size, path in paths.items():
            first = viewer.get(path)
            db.session.expunge_all()  # a request starts with an empty session, as in production
            with count_queries() as counter:
                second = viewer.get(path)
            assert second.get_data() == first.get_data()
            counts[size] = counter.count
            assert "ETag" not in second.headers  # API.md 20 names the routes that carry one
        assert counts == {"small": 0, "large": 0}  # the ladder's facts are cached too


def test_a_cold_list_runs_a_constant_number_of_queries(as_user, cast, count_queries):
    movies = MovieFactory.create_batch(50)
    small, large = make_list(cast.owner, name="Small", movies=movies[:2]), make_list(cast.owner, name="Large", movies=movies)
    stranger = as_user(cast.stranger)
    stranger.get("/api/users/")  # the ladder's facts cached
    counts = []
    for path in (list_path(small), list_path(large)):
        db.session.expunge_all()
        with count_queries() as counter:
            assert stranger.get(path).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_bodies_are_cached_per_language_and_host(as_user, scene):
    cast, lists, movies = scene
    spanish = UserFactory(preferred_language="es")
    detail(as_user, cast.stranger, list_path(lists["P"]))
    detail(as_user, spanish, list_path(lists["P"]))
    status, body = detail(as_user, cast.stranger, list_path(lists["P"]), base_url="https://other.example")
    assert status == 200 and body["user"] == "https://other.example/api/users/owner/"
    assert body["movies"] == ["https://other.example/api/movies/heat/", "https://other.example/api/movies/ronin/"]
    keys = [
        representations.ENTRY_KEY.format("list", language, root, "owner/l-p")
        for language in ("en", "es")
        for root in ("http://localhost/", "https://other.example/")
    ]
    assert [cache.get(key) is not None for key in keys] == [True, True, True, False]
    assert detail(as_user, cast.stranger, list_path(lists["P"]))[1]["user"] == "http://localhost/api/users/owner/"


def test_privacy_matrix_on_warm_entries(as_user, scene):
    cast, lists, movies = scene
    for code in "PFR":
        assert detail(as_user, cast.owner, list_path(lists[code]))[0] == 200  # the owner warms every entry
    for role, visible in (("owner", "PFR"), ("friend", "PF"), ("fof", "P"), ("stranger", "P")):
        for code in "PFR":
            expected = (200, list_body(lists[code], movies)) if code in visible else (404, NOT_VISIBLE)
            assert detail(as_user, cast[role], list_path(lists[code])) == expected, (role, code)


def test_a_friendship_that_ends_or_starts_after_a_cached_read(as_user, scene):
    cast, lists, _ = scene
    assert detail(as_user, cast.friend, list_path(lists["F"]))[0] == 200
    unfriend(cast.owner, cast.friend)
    assert detail(as_user, cast.friend, list_path(lists["F"])) == (404, NOT_VISIBLE)
    assert detail(as_user, cast.stranger, list_path(lists["F"])) == (404, NOT_VISIBLE)
    make_friends(cast.owner, cast.stranger)
    assert detail(as_user, cast.stranger, list_path(lists["F"]))[0] == 200


def test_privacity_changes_after_a_cached_read(as_user, scene):
    cast, lists, _ = scene
    path = list_path(lists["P"])
    assert detail(as_user, cast.stranger, path)[0] == 200
    assert as_user(cast.owner).put(path, json={"name": "L P", "privacity": "R"}).status_code == 200
    assert detail(as_user, cast.stranger, path) == (404, NOT_VISIBLE)
    assert detail(as_user, cast.friend, path) == (404, NOT_VISIBLE)
    assert detail(as_user, cast.owner, path)[1]["privacity"] == "R"
    assert as_user(cast.owner).put(path, json={"name": "L P", "privacity": "F"}).status_code == 200
    assert detail(as_user, cast.friend, path)[1]["privacity"] == "F"
    assert detail(as_user, cast.stranger, path) == (404, NOT_VISIBLE)
    lists["P"].privacity = "P"  # a session write, as a script does
    db.session.commit()
    assert detail(as_user, cast.stranger, path)[1]["privacity"] == "P"


def test_list_writes_show_in_the_next_body(as_user, scene):
    cast, lists, movies = scene
    path = list_path(lists["P"])
    third = MovieFactory(slug="thief")
    assert detail(as_user, cast.stranger, path)[1]["description"] == ""
    assert as_user(cast.owner).put(path, json={"name": "L P", "privacity": "P", "description": "Mann"}).status_code == 200
    assert detail(as_user, cast.stranger, path)[1]["description"] == "Mann"
    assert as_user(cast.owner).post(list_path(lists["P"], "thief/")).status_code == 200
    assert detail(as_user, cast.stranger, path)[1]["movies"][-1] == "http://localhost/api/movies/thief/"
    assert as_user(cast.owner).delete(list_path(lists["P"], "heat/")).status_code == 200
    movie_urls = detail(as_user, cast.stranger, path)[1]["movies"]
    assert movie_urls == ["http://localhost/api/movies/ronin/", "http://localhost/api/movies/thief/"]
    for item in lists["P"].items:  # a reorder written to the items only, as an import could
        item.position = -item.position
    db.session.commit()
    movie_urls = detail(as_user, cast.stranger, path)[1]["movies"]
    assert movie_urls == ["http://localhost/api/movies/thief/", "http://localhost/api/movies/ronin/"]
    assert third.id


def test_rename_and_delete_free_the_path(as_user, scene):
    cast, lists, _ = scene
    path = list_path(lists["P"])
    assert detail(as_user, cast.stranger, path)[0] == 200
    assert as_user(cast.owner).put(path, json={"name": "Renamed", "privacity": "P"}).status_code == 200
    assert detail(as_user, cast.stranger, path) == (404, NOT_VISIBLE)
    status, body = detail(as_user, cast.stranger, "/api/movies-lists/owner/renamed/")
    assert (status, body["name"]) == (200, "Renamed")
    assert as_user(cast.owner).delete("/api/movies-lists/owner/renamed/").status_code == 200
    assert detail(as_user, cast.stranger, "/api/movies-lists/owner/renamed/") == (404, NOT_VISIBLE)
    assert as_user(cast.owner).post("/api/movies-lists/", json={"name": "Renamed", "privacity": "P"}).status_code == 201
    status, body = detail(as_user, cast.stranger, "/api/movies-lists/owner/renamed/")
    assert (status, body["movies"]) == (200, [])


def test_catalogue_writes_show_in_the_next_body(as_user, scene, staff):
    cast, lists, _ = scene
    path = list_path(lists["P"])
    assert len(detail(as_user, cast.stranger, path)[1]["movies"]) == 2
    assert staff.put("/api/catalog/movies/heat/", json={"slug": "heat-1995"}).status_code == 200
    assert detail(as_user, cast.stranger, path)[1]["movies"][0] == "http://localhost/api/movies/heat-1995/"
    assert staff.delete("/api/catalog/movies/ronin/").status_code == 204
    assert detail(as_user, cast.stranger, path)[1]["movies"] == ["http://localhost/api/movies/heat-1995/"]


def test_owner_renamed_deactivated_or_deleted_after_a_cached_read(as_user, scene, client, headers_for):
    cast, lists, _ = scene
    path = list_path(lists["P"])
    assert detail(as_user, cast.stranger, path)[0] == 200
    cast.owner.is_active = False
    db.session.commit()
    assert detail(as_user, cast.stranger, path) == (404, USER_404)
    cast.owner.is_active = True
    db.session.commit()
    assert detail(as_user, cast.stranger, path)[0] == 200
    assert as_user(cast.owner).put("/api/users/", json={"username": "boss"}).status_code == 200
    assert detail(as_user, cast.stranger, path) == (404, USER_404)
    status, body = detail(as_user, cast.stranger, "/api/movies-lists/boss/l-p/")
    assert (status, body["user"]) == (200, "http://localhost/api/users/boss/")
    newcomer = UserFactory(username="owner", email="newcomer@example.com")  # the freed name names someone else now
    make_list(newcomer, name="L P", slug="l-p")
    assert detail(as_user, cast.stranger, path)[1]["user"] == "http://localhost/api/users/owner/"
    assert detail(as_user, cast.stranger, path)[1]["movies"] == []
    owner_headers = headers_for(cast.owner)
    assert client.delete("/api/me/", json={"password": DEFAULT_PASSWORD}, headers=owner_headers).status_code == 204
    assert detail(as_user, cast.stranger, "/api/movies-lists/boss/l-p/")[0] == 404
    assert db.session.query(MovieList).filter_by(user_id=newcomer.id).count() == 1


def test_an_entry_computed_before_a_commit_is_never_served_after_it(as_user, scene):
    cast, lists, _ = scene
    path = list_path(lists["P"])
    detail(as_user, cast.stranger, path)
    key = representations.ENTRY_KEY.format("list", "en", "http://localhost/", "owner/l-p")
    late = cache.get(key)
    assert as_user(cast.owner).put(path, json={"name": "L P", "privacity": "R"}).status_code == 200
    cache.set(key, late)
    assert detail(as_user, cast.stranger, path) == (404, NOT_VISIBLE)


@pytest.fixture
def unreachable_config(app_config):
    return unreachable(app_config)


def test_without_a_cache_lists_are_computed_and_private_ones_stay_hidden(unreachable_config, as_user, scene):
    cast, lists, movies = scene
    for code in "PFR":
        response = as_user(cast.friend).get(list_path(lists[code]))
        if code == "R":
            assert (response.status_code, response.get_json()) == (404, NOT_VISIBLE)
            continue
        assert (response.status_code, response.get_json()) == (200, list_body(lists[code], movies))
    assert as_user(cast.owner).put(list_path(lists["P"]), json={"name": "L P", "privacity": "R"}).status_code == 200
    assert detail(as_user, cast.friend, list_path(lists["P"])) == (404, NOT_VISIBLE)


@pytest.mark.parametrize("write", ["rename", "delete"])
def test_a_list_renamed_or_deleted_while_a_miss_computes_is_not_stored_under_its_old_path(app, scene, write):
    """A commit between the lookup and the token read: the body read after it is answered, never cached under a
    path that no longer names the list (or, the list gone, the privacy 404)."""
    from moviesx.http.errors import APIError
    from moviesx.services.lists import detail_cache

    cast, lists, _ = scene
    movie_list = lists["P"]

    def resolve_then_commit_elsewhere() -> MovieList:
        if write == "rename":
            movie_list.slug = "renamed"
        else:
            db.session.delete(movie_list)
        db.session.commit()
        return movie_list

    key = representations.ENTRY_KEY.format("list", "en", "http://localhost/", "owner/l-p")
    with app.test_request_context("/api/movies-lists/owner/l-p/"):
        if write == "rename":
            body = detail_cache.list_detail(cast.stranger.id, "owner", "l-p", resolve_then_commit_elsewhere).body
            assert b'"slug":"renamed"' in body
        else:
            with pytest.raises(APIError):
                detail_cache.list_detail(cast.stranger.id, "owner", "l-p", resolve_then_commit_elsewhere)
    assert cache.get(key) is None
