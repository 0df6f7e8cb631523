"""/api/movies-lists/: create, read, update, delete, listings, membership and validation (API.md 5.4)."""

from __future__ import annotations

import json
from datetime import date

import pytest

from moviesx.extensions import db
from moviesx.models import Movie, MovieList, MovieListItem, MovieTranslation
from tests.factories import MovieFactory, UserFactory, make_friends
from tests.support.lists import HOST, NOT_VISIBLE, iso, list_body, list_path, make_list, page, slugs_in_db

CREATE = "/api/movies-lists/"


@pytest.fixture
def me(app, clock):
    return UserFactory(username="me")


def post_json(as_user, user, path, body):
    return as_user(user).post(path, data=json.dumps(body) if not isinstance(body, (str, bytes)) else body)


def put_json(as_user, user, path, body):
    return as_user(user).put(path, data=json.dumps(body) if not isinstance(body, (str, bytes)) else body)


# --- Create --------------------------------------------------------------------------------------


def test_create_returns_the_new_empty_list(as_user, me, clock):
    response = post_json(as_user, me, CREATE, {"name": "My Movie List", "privacity": "F", "description": "Weekend"})

    assert response.status_code == 201
    created = db.session.scalars(db.select(MovieList)).one()
    stamp = iso(clock.now)
    assert response.get_json() == {
        "id": created.id,
        "name": "My Movie List",
        "slug": "my-movie-list",
        "description": "Weekend",
        "privacity": "F",
        "user": f"{HOST}/api/users/me/",
        "movies": [],
        "created_at": stamp,
        "updated_at": stamp,
    }
    assert stamp.endswith(".000000Z")


def test_a_new_list_has_the_same_created_and_updated_stamps(as_user, app):
    # The real clock (no `clock` fixture): both stamps must still be the one instant of the creation.
    owner = UserFactory(username="owner")

    body = post_json(as_user, owner, CREATE, {"name": "Fresh", "privacity": "P"}).get_json()

    assert body["updated_at"] == body["created_at"]


def test_create_defaults_description_and_slugifies_unicode(as_user, me):
    response = post_json(as_user, me, CREATE, {"name": "  Acción 2!  ", "privacity": "P"})

    assert response.status_code == 201
    body = response.get_json()
    assert (body["name"], body["slug"], body["description"]) == ("  Acción 2!  ", "accion-2", "")


def test_create_cuts_the_slug_to_128_characters(as_user, me):
    # U+FB01 (the "fi" ligature) decomposes to two letters, so 128 characters give a 256-letter slug.
    response = post_json(as_user, me, CREATE, {"name": "\ufb01" * 128, "privacity": "P"})

    assert response.status_code == 201
    assert response.get_json()["slug"] == "fi" * 64


def test_create_without_trailing_slash_does_not_redirect(as_user, me):
    response = post_json(as_user, me, "/api/movies-lists", {"name": "x", "privacity": "R"})

    assert response.status_code == 201
    assert response.get_json()["slug"] == "x"


INVALID_BODIES = [
    ({"name": "", "privacity": "P"}, {"name": ["This field cannot be blank."]}),
    ({"name": "   ", "privacity": "P"}, {"name": ["This field cannot be blank."]}),
    ({"name": "!!! ???", "privacity": "P"}, {"name": ["Enter a name that contains at least one letter or number."]}),
    ({"name": "---", "privacity": "P"}, {"name": ["Enter a name that contains at least one letter or number."]}),
    ({"name": "日本語", "privacity": "P"}, {"name": ["Enter a name that contains at least one letter or number."]}),
    ({"name": "a" * 129, "privacity": "P"}, {"name": ["Ensure this value has at most 128 characters (it has 129)."]}),
    ({"name": "!" * 129, "privacity": "P"}, {"name": ["Ensure this value has at most 128 characters (it has 129)."]}),
    ({"name": 12, "privacity": "P"}, {"name": ["Not a valid string."]}),
    ({"name": ["a"], "privacity": "P"}, {"name": ["Not a valid string."]}),
    ({"name": None, "privacity": "P"}, {"name": ["This field cannot be null."]}),
    ({"name": "a\u0000b", "privacity": "P"}, {"name": ["Not a valid string."]}),
    ({"name": "ok", "privacity": "X"}, {"privacity": ["Value 'X' is not a valid choice."]}),
    ({"name": "ok", "privacity": "p"}, {"privacity": ["Value 'p' is not a valid choice."]}),
    ({"name": "ok", "privacity": "PF"}, {"privacity": ["Value 'PF' is not a valid choice."]}),
    ({"name": "ok", "privacity": 1}, {"privacity": ["Value '1' is not a valid choice."]}),
    ({"name": "ok", "privacity": True}, {"privacity": ["Value 'true' is not a valid choice."]}),
    ({"name": "ok", "privacity": ["P"]}, {"privacity": ["Value '[\"P\"]' is not a valid choice."]}),
    ({"name": "ok", "privacity": None}, {"privacity": ["This field cannot be null."]}),
    ({"name": "ok", "privacity": ""}, {"privacity": ["This field cannot be blank."]}),
    (
        {"name": "ok", "privacity": "P", "description": "d" * 1001},
        {"description": ["Ensure this value has at most 1000 characters (it has 1001)."]},
    ),
    ({"name": "ok", "privacity": "P", "description": None}, {"description": ["This field cannot be null."]}),
    ({"name": "ok", "privacity": "P", "description": 5}, {"description": ["Not a valid string."]}),
    (
        {"name": "", "privacity": "Z", "description": False},
        {
            "name": ["This field cannot be blank."],
            "privacity": ["Value 'Z' is not a valid choice."],
            "description": ["Not a valid string."],
        },
    ),
]


def test_create_field_validation(as_user, me):
    for body, expected in INVALID_BODIES:
        response = post_json(as_user, me, CREATE, body)

        assert (response.status_code, response.get_json()) == (400, expected), body
    assert db.session.scalar(db.select(db.func.count()).select_from(MovieList)) == 0


UNPARSABLE_BODIES = [
    ("", {"error": "Invalid JSON body"}),
    ("{", {"error": "Invalid JSON body"}),
    ("[]", {"error": "Invalid JSON body"}),
    ('"name"', {"error": "Invalid JSON body"}),
    ('{"name": "x"}', {"error": "Missing required fields"}),
    ('{"privacity": "P"}', {"error": "Missing required fields"}),
    ('{"description": "only"}', {"error": "Missing required fields"}),
]


def test_create_body_parsing(as_user, me):
    for raw, expected in UNPARSABLE_BODIES:
        response = post_json(as_user, me, CREATE, raw)

        assert (response.status_code, response.get_json()) == (400, expected), raw


def test_description_of_1000_characters_and_blank_description_are_accepted(as_user, me):
    assert post_json(as_user, me, CREATE, {"name": "a", "privacity": "P", "description": "d" * 1000}).status_code == 201
    response = post_json(as_user, me, CREATE, {"name": "b", "privacity": "P", "description": "  "})
    assert response.status_code == 201
    assert response.get_json()["description"] == "  "


def test_duplicate_name_is_same_slug_for_the_same_owner(as_user, me):
    assert post_json(as_user, me, CREATE, {"name": "Horror Nights", "privacity": "P"}).status_code == 201

    response = post_json(as_user, me, CREATE, {"name": "horror   NIGHTS!", "privacity": "R"})

    assert response.status_code == 400
    assert response.get_json() == {"__all__": ["A movie list with this name already exists."]}
    assert db.session.scalar(db.select(db.func.count()).select_from(MovieList)) == 1


def test_field_errors_come_before_the_duplicate_check(as_user, me):
    make_list(me, name="Dup", slug="dup")

    response = post_json(as_user, me, CREATE, {"name": "Dup", "privacity": "Q"})

    assert response.get_json() == {"privacity": ["Value 'Q' is not a valid choice."]}


def test_same_name_for_another_owner_is_fine(as_user, me):
    make_list(UserFactory(), name="Dup", slug="dup")

    response = post_json(as_user, me, CREATE, {"name": "Dup", "privacity": "P"})

    assert response.status_code == 201


def test_create_requires_a_verified_user(as_user, client):
    unverified = UserFactory(verified=False)

    assert client.post(CREATE, data="{}").get_json() == {"error": "You need to be authenticated"}
    response = post_json(as_user, unverified, CREATE, {"name": "x", "privacity": "P"})
    assert response.status_code == 401
    assert response.get_json() == {"error": "User account is not verified"}


# --- Read, listings ------------------------------------------------------------------------------


def test_detail_lists_live_movies_in_list_order(as_user, me):
    first, second, third = MovieFactory(), MovieFactory(), MovieFactory()
    movie_list = make_list(me, movies=[third, first, second])
    second.delete()
    db.session.commit()

    response = as_user(me).get(list_path(movie_list))

    assert response.status_code == 200
    assert response.get_json() == list_body(movie_list, [third, first])


def test_detail_unknown_owner_is_the_generic_user_404_before_the_list(as_user, me):
    inactive = UserFactory(username="gone", is_active=False)
    make_list(inactive, slug="kept", privacity="P")

    for username in ("nobody", "gone"):
        response = as_user(me).get(f"/api/movies-lists/{username}/kept/")
        assert response.status_code == 404
        assert response.get_json() == {
            "error": "Not Found",
            "message": "The requested resource was not found.",
            "model": "User",
            "lookup_value": username,
        }


def test_detail_missing_list_is_the_privacy_404(as_user, me):
    response = as_user(me).get("/api/movies-lists/me/nope/")

    assert response.status_code == 404
    assert response.get_json() == NOT_VISIBLE


def test_list_slugs_that_are_route_words_resolve(as_user, me):
    for name in ("Searching", "Actors", "Movies"):
        assert post_json(as_user, me, CREATE, {"name": name, "privacity": "P"}).status_code == 201
    for slug in ("searching", "actors", "movies"):
        response = as_user(me).get(f"/api/movies-lists/me/{slug}")
        assert response.status_code == 200, slug
        assert response.get_json()["slug"] == slug


def test_my_lists_is_a_page_of_all_my_lists_by_id(as_user, me):
    mine = [make_list(me, privacity=code) for code in ("R", "F", "P")]
    make_list(UserFactory(), privacity="P")

    response = as_user(me).get("/api/movies-lists/?limit=2")

    assert response.status_code == 200
    assert response.get_json() == page([list_body(m) for m in mine[:2]], count=3, total_pages=2, has_next=True)
    response = as_user(me).get("/api/movies-lists/?limit=2&page=2")
    assert response.get_json() == page([list_body(mine[2])], count=3, total_pages=2, current_page=2, has_previous=True)


def test_my_lists_empty(as_user, me):
    assert as_user(me).get("/api/movies-lists/").get_json() == page([])


def test_user_lists_is_a_cursor_by_id_descending(as_user, me):
    owner = UserFactory(username="alice")
    lists_ = [make_list(owner, privacity="P") for _ in range(3)]

    first = as_user(me).get("/api/movies-lists/alice/?limit=2").get_json()
    assert first == {"results": [list_body(lists_[2]), list_body(lists_[1])], "next_last_id": lists_[1].id, "count": 3}
    second = as_user(me).get(f"/api/movies-lists/alice/?limit=2&last_id={lists_[1].id}").get_json()
    assert second == {"results": [list_body(lists_[0])], "next_last_id": None, "count": 3}


def test_search_lists_by_name_substring_case_insensitive(as_user, me):
    hit = make_list(UserFactory(), name="Étoiles 100%", privacity="P")
    make_list(UserFactory(), name="Etoiles 100", privacity="P")
    own = make_list(me, name="ÉTOILES 100% mine", privacity="R")

    response = as_user(me).get("/api/movies-lists/searching/?query=étoiles 100%")

    assert response.get_json() == page([list_body(hit), list_body(own)])
    everything = as_user(me).get("/api/movies-lists/searching/").get_json()
    assert everything["count"] == 3


def test_search_lists_leaves_out_lists_of_inactive_owners(as_user, me):
    make_list(UserFactory(is_active=False), name="Hidden", privacity="P")

    assert as_user(me).get("/api/movies-lists/searching/?query=hidden").get_json() == page([])


# --- Update, delete ------------------------------------------------------------------------------


def test_put_renames_and_rederives_the_slug(as_user, me, clock):
    movie = MovieFactory()
    movie_list = make_list(me, name="Old", slug="old", description="keep", privacity="P", movies=[movie])
    clock.advance(seconds=5)

    response = put_json(as_user, me, list_path(movie_list), {"name": "Brand New!", "privacity": "R"})

    assert response.status_code == 200
    body = response.get_json()
    assert body["slug"] == "brand-new"
    assert (body["name"], body["privacity"], body["description"]) == ("Brand New!", "R", "keep")
    assert body["movies"] == [f"{HOST}/api/movies/{movie.slug}/"]
    assert body["updated_at"] == iso(clock.now) != body["created_at"]
    assert as_user(me).get("/api/movies-lists/me/old/").status_code == 404
    assert as_user(me).get("/api/movies-lists/me/brand-new/").get_json() == body


def test_put_description_can_be_emptied_and_same_name_is_not_a_duplicate(as_user, me):
    movie_list = make_list(me, name="Same", slug="same", description="text")

    response = put_json(as_user, me, list_path(movie_list), {"name": "SAME", "privacity": "F", "description": ""})

    assert response.status_code == 200
    assert (response.get_json()["description"], response.get_json()["slug"]) == ("", "same")


def test_put_onto_another_lists_slug_is_a_duplicate(as_user, me):
    make_list(me, name="Taken", slug="taken")
    movie_list = make_list(me, name="Mine", slug="mine")

    response = put_json(as_user, me, list_path(movie_list), {"name": "taken", "privacity": "P"})

    assert response.status_code == 400
    assert response.get_json() == {"__all__": ["A movie list with this name already exists."]}
    assert db.session.get(MovieList, movie_list.id).slug == "mine"


INVALID_PUT_BODIES = [
    ('{"name": "x"}', {"error": "Missing required fields"}),
    ("nope", {"error": "Invalid JSON body"}),
    ('{"name": "", "privacity": "P"}', {"name": ["This field cannot be blank."]}),
    ('{"name": "?", "privacity": "P"}', {"name": ["Enter a name that contains at least one letter or number."]}),
    ('{"name": "x", "privacity": "W"}', {"privacity": ["Value 'W' is not a valid choice."]}),
]


def test_put_validation(as_user, me):
    movie_list = make_list(me, name="Mine", slug="mine")

    for raw, expected in INVALID_PUT_BODIES:
        response = put_json(as_user, me, list_path(movie_list), raw)

        assert (response.status_code, response.get_json()) == (400, expected), raw
    assert db.session.get(MovieList, movie_list.id).name == "Mine"


def test_put_by_someone_else_is_the_privacy_404_before_the_body(as_user, me):
    movie_list = make_list(UserFactory(username="bob"), slug="public", privacity="P")

    response = put_json(as_user, me, list_path(movie_list), "not json")

    assert response.status_code == 404
    assert response.get_json() == NOT_VISIBLE


def test_delete_is_hard_and_frees_the_name(as_user, me):
    movie_list = make_list(me, name="Gone", slug="gone", movies=[MovieFactory()])

    response = as_user(me).delete(list_path(movie_list))

    assert response.status_code == 200
    assert response.get_json() == {"success": True}
    assert db.session.scalar(db.select(db.func.count()).select_from(MovieList)) == 0
    assert db.session.scalar(db.select(db.func.count()).select_from(MovieListItem)) == 0
    assert post_json(as_user, me, CREATE, {"name": "Gone", "privacity": "P"}).status_code == 201


def test_unknown_method_is_405_with_allow(as_user, me):
    movie_list = make_list(me)

    response = as_user(me).open("PATCH", list_path(movie_list))

    assert response.status_code == 405
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "PUT", "DELETE"}


# --- Membership ------------------------------------------------------------------------------------


def test_add_appends_and_bumps_updated_at(as_user, me, clock):
    a, b = MovieFactory(), MovieFactory()
    movie_list = make_list(me, movies=[a])
    clock.advance(seconds=3)

    response = as_user(me).post(list_path(movie_list, f"{b.slug}/"))

    assert response.status_code == 200
    body = response.get_json()
    assert body["movies"] == [f"{HOST}/api/movies/{a.slug}/", f"{HOST}/api/movies/{b.slug}/"]
    assert body["updated_at"] == iso(clock.now)
    assert slugs_in_db(movie_list.id) == [a.slug, b.slug]


def test_re_adding_is_a_no_op(as_user, me, clock):
    a, b = MovieFactory(), MovieFactory()
    movie_list = make_list(me, movies=[a, b])
    before = list_body(movie_list, [a, b])
    clock.advance(seconds=3)

    response = as_user(me).post(list_path(movie_list, f"{a.slug}/"))

    assert response.status_code == 200
    assert response.get_json() == before
    assert slugs_in_db(movie_list.id) == [a.slug, b.slug]


def test_add_after_remove_goes_to_the_end(as_user, me):
    a, b, c = MovieFactory(), MovieFactory(), MovieFactory()
    movie_list = make_list(me, movies=[a, b, c])

    assert as_user(me).delete(list_path(movie_list, f"{a.slug}/")).get_json() == {"success": True}
    response = as_user(me).post(list_path(movie_list, f"{a.slug}/"))

    assert response.get_json()["movies"] == [f"{HOST}/api/movies/{m.slug}/" for m in (b, c, a)]


def test_remove_bumps_updated_at_and_missing_movie_is_still_success(as_user, me, clock):
    a, b = MovieFactory(), MovieFactory()
    movie_list = make_list(me, movies=[a])
    clock.advance(seconds=7)

    assert as_user(me).delete(list_path(movie_list, f"{b.slug}/")).get_json() == {"success": True}
    db.session.expire_all()
    assert db.session.get(MovieList, movie_list.id).updated_at == movie_list.created_at
    response = as_user(me).delete(list_path(movie_list, f"{a.slug}/"))

    assert response.status_code == 200
    assert response.get_json() == {"success": True}
    db.session.expire_all()
    assert db.session.get(MovieList, movie_list.id).updated_at == clock.now.replace(tzinfo=None)
    assert slugs_in_db(movie_list.id) == []


@pytest.mark.parametrize("method", ["POST", "DELETE"])
def test_unknown_or_deleted_movie_is_the_generic_movie_404(as_user, me, method):
    movie_list = make_list(me)
    deleted = MovieFactory(slug="deleted-one")
    deleted.delete()
    db.session.commit()

    for slug in ("no-such-movie", "deleted-one"):
        response = as_user(me).open(method, list_path(movie_list, f"{slug}/"))
        assert response.status_code == 404
        assert response.get_json() == {
            "error": "Not Found",
            "message": "The requested resource was not found.",
            "model": "Movie",
            "lookup_value": slug,
        }


def test_a_list_holds_at_most_1000_movies(as_user, me):
    movie_list = make_list(me)
    db.session.execute(
        db.insert(Movie),
        [{"title": f"Bulk {i}", "slug": f"bulk-{i}", "release_date": date(2001, 1, 1)} for i in range(1001)],
    )
    movies = db.session.scalars(db.select(Movie).order_by(Movie.id)).all()
    db.session.execute(
        db.insert(MovieListItem),
        [{"movie_list_id": movie_list.id, "movie_id": movie.id, "position": i} for i, movie in enumerate(movies[:1000])],
    )
    db.session.commit()

    full = as_user(me).post(list_path(movie_list, f"{movies[1000].slug}/"))
    again = as_user(me).post(list_path(movie_list, f"{movies[5].slug}/"))

    assert full.status_code == 400
    assert full.get_json() == {"error": "A list can hold at most 1000 movies"}
    assert again.status_code == 200
    assert len(again.get_json()["movies"]) == 1000
    assert db.session.scalar(db.select(db.func.count()).select_from(MovieListItem)) == 1000


# --- Movies inside a list ------------------------------------------------------------------------


def test_search_movies_in_list_order_by_base_or_translated_title(as_user, me):
    me.preferred_language = "es"
    dark = MovieFactory(title="The Dark")
    night = MovieFactory(title="Night Shift")
    noche = MovieFactory(title="Long Evening")
    other = MovieFactory(title="Unrelated")
    db.session.add(MovieTranslation(movie_id=noche.id, language="es", title="La noche larga"))
    db.session.add(MovieTranslation(movie_id=dark.id, language="fr", title="La nuit"))
    db.session.commit()
    movie_list = make_list(me, movies=[other, noche, night, dark])

    response = as_user(me).get(list_path(movie_list, "movies/searching/?query=NOCHE"))
    assert response.status_code == 200
    body = response.get_json()
    assert [m["slug"] for m in body["results"]] == [noche.slug]
    assert body["results"][0]["title"] == "La noche larga"

    body = as_user(me).get(list_path(movie_list, "movies/searching/?query=night")).get_json()
    assert [m["slug"] for m in body["results"]] == [night.slug]

    body = as_user(me).get(list_path(movie_list, "movies/searching/?limit=3")).get_json()
    assert [m["slug"] for m in body["results"]] == [other.slug, noche.slug, night.slug]
    assert (body["count"], body["total_pages"], body["has_next"]) == (4, 2, True)


def test_search_movies_leaves_out_deleted_movies_from_results_and_count(as_user, me):
    a, b = MovieFactory(), MovieFactory()
    movie_list = make_list(me, movies=[a, b])
    a.delete()
    db.session.commit()

    body = as_user(me).get(list_path(movie_list, "movies/searching/")).get_json()

    assert [m["slug"] for m in body["results"]] == [b.slug]
    assert body["count"] == 1


# --- Constant query counts -----------------------------------------------------------------------


def _fill_catalogue(owner, lists_count=12, movies_per_list=3):
    movies = MovieFactory.create_batch(movies_per_list * 2)
    return [make_list(owner, privacity="PFR"[i % 3], movies=movies[i % 3 : i % 3 + movies_per_list]) for i in range(lists_count)]


LIST_ENDPOINTS = [
    "/api/movies-lists/?limit={n}",
    "/api/movies-lists/searching/?limit={n}",
    "/api/movies-lists/searching/?query=list&limit={n}",
    "/api/movies-lists/owner/?limit={n}",
    "/api/movies-lists/owner/big/movies/searching/?limit={n}",
    "/api/movies-lists/owner/big/movies/searching/?query=movie&limit={n}",
]


@pytest.mark.parametrize("viewer_role", ["owner", "friend", "stranger"])
def test_list_endpoints_run_a_constant_number_of_queries(as_user, count_queries, viewer_role):
    owner = UserFactory(username="owner")
    viewers = {"owner": owner, "friend": UserFactory(), "stranger": UserFactory()}
    make_friends(owner, viewers["friend"])
    for user in (viewers["friend"], viewers["stranger"]):
        _fill_catalogue(user, lists_count=8)
    _fill_catalogue(owner, lists_count=21)
    big_movies = MovieFactory.create_batch(60)
    make_list(owner, name="Big", slug="big", privacity="P", movies=big_movies)
    viewer = viewers[viewer_role]

    as_user(viewer).get("/api/movies-lists/")  # warm-up: the caller's row then sits in the shared test session
    for path in LIST_ENDPOINTS:
        counts = []
        for n in (5, 50):
            with count_queries() as counter:
                response = as_user(viewer).get(path.format(n=n))
            assert response.status_code == 200
            results = response.get_json()["results"]
            assert len(results) == 5 if n == 5 else len(results) > 5, path
            counts.append(counter.count)
        assert counts[0] == counts[1], (path, counts)


def test_lone_surrogate_name_is_not_a_valid_string(as_user, me):
    response = post_json(as_user, me, CREATE, '{"name": "\\ud800", "privacity": "P"}')

    assert response.status_code == 400
    assert response.get_json() == {"name": ["Not a valid string."]}


def test_messages_follow_the_callers_language(as_user, me):
    me.preferred_language = "es"
    db.session.commit()
    make_list(me, name="Dup", slug="dup")

    missing = as_user(me).get("/api/movies-lists/me/nope/")
    duplicate = post_json(as_user, me, CREATE, {"name": "dup", "privacity": "P"})
    empty_slug = post_json(as_user, me, CREATE, {"name": "!!", "privacity": "P"})

    assert missing.get_json() == {"error": "Esta lista de películas no existe o no tienes permiso para verla"}
    assert duplicate.get_json() == {"__all__": ["Ya existe una lista de películas con este nombre."]}
    assert empty_slug.get_json() == {"name": ["Introduce un nombre que contenga al menos una letra o un número."]}


def test_head_works_like_get(as_user, me):
    movie_list = make_list(me)

    response = as_user(me).open("HEAD", list_path(movie_list))

    assert response.status_code == 200
    assert response.data == b""


def test_single_list_routes_run_a_constant_number_of_queries_whatever_the_list_size(as_user, count_queries, me):
    movies = MovieFactory.create_batch(52)
    small = make_list(me, name="Small", slug="small", movies=movies[:5])
    large = make_list(me, name="Large", slug="large", movies=movies[:50])
    as_user(me).get(list_path(small))  # warm-up: the caller's row then sits in the shared test session
    as_user(me).get(list_path(large))  # and both bodies are cached (the cold path: tests/blueprints/test_list_cache.py)

    def measure(method: str, path: str) -> int:
        with count_queries() as counter:
            response = as_user(me).open(method, path)
        assert response.status_code == 200, path
        return counter.count

    assert measure("GET", list_path(small)) == measure("GET", list_path(large))
    assert measure("POST", list_path(small, f"{movies[50].slug}/")) == measure("POST", list_path(large, f"{movies[51].slug}/"))


def test_blank_queries_apply_no_filter(as_user, me):
    first, second = MovieFactory(title="Alpha"), MovieFactory(title="Beta")
    movie_list = make_list(me, name="Nospace", movies=[first, second])

    lists_found = as_user(me).get("/api/movies-lists/searching/?query=%20%20").get_json()
    movies_found = as_user(me).get(list_path(movie_list, "movies/searching/?query=%20")).get_json()

    assert lists_found == page([list_body(movie_list, [first, second])])
    assert [m["slug"] for m in movies_found["results"]] == [first.slug, second.slug]
