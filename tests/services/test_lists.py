"""services.lists without HTTP: the privacy rules (API.md 6.2) and concurrent writes (3.2b)."""

from __future__ import annotations

import json
import re
import threading

import pytest
from sqlalchemy import event

from moviesx.extensions import db
from moviesx.models import MovieList, MovieListItem
from moviesx.services.lists import privacy
from tests.factories import MovieFactory, UserFactory, make_friends
from tests.support.lists import cast_fixture, make_list  # noqa: F401 - the `cast` fixture

ROLES = ("owner", "friend", "fof", "stranger")
VISIBLE = {"owner": ("P", "F", "R"), "friend": ("P", "F"), "fof": ("P",), "stranger": ("P",)}


@pytest.mark.parametrize("role", ROLES)
def test_visible_privacities(cast, role):
    assert privacy.visible_privacities(cast[role], cast.owner) == VISIBLE[role]


@pytest.mark.parametrize("role", ROLES)
def test_can_see_and_visible_lists_for_agree(cast, role):
    made = {code: make_list(cast.owner, privacity=code) for code in ("P", "F", "R")}

    seen = {m.privacity for m in db.session.scalars(privacy.visible_lists_for(cast[role], cast.owner))}

    assert seen == set(VISIBLE[role])
    assert {code for code, m in made.items() if privacy.can_see(cast[role], m)} == set(VISIBLE[role])


def test_an_inactive_owner_shows_nothing_to_others(cast):
    movie_list = make_list(cast.owner, privacity="P")
    cast.owner.is_active = False
    db.session.commit()

    assert privacy.visible_privacities(cast.friend, cast.owner) == ()
    assert not privacy.can_see(cast.stranger, movie_list)
    assert db.session.scalars(privacy.searchable_lists(cast.friend, None)).all() == []


def test_friendship_is_symmetric_for_visibility(cast):
    mine = make_list(cast.friend, privacity="F")

    assert privacy.can_see(cast.owner, mine)
    assert not privacy.can_see(cast.stranger, mine)


def test_searchable_lists_is_own_any_public_and_friends_only_of_friends(cast):
    p, f, r = (make_list(cast.owner, privacity=code, name=f"owner {code}") for code in "PFR")
    fof_f = make_list(cast.fof, privacity="F", name="fof F")
    stranger_r = make_list(cast.stranger, privacity="R", name="stranger R")

    def ids(user, query=None):
        return [m.id for m in db.session.scalars(privacy.searchable_lists(user, query))]

    assert ids(cast.owner) == [p.id, f.id, r.id]
    assert ids(cast.friend) == [p.id, f.id, fof_f.id]
    assert ids(cast.fof) == [p.id, fof_f.id]
    assert ids(cast.stranger) == [p.id, stranger_r.id]
    assert ids(cast.friend, "OWNER") == [p.id, f.id]
    assert ids(cast.friend, "%") == []


def test_owned_list_or_404_refuses_everyone_but_the_owner(cast):
    make_list(cast.owner, slug="pub", privacity="P")

    assert privacy.owned_list_or_404(cast.owner, cast.owner, "pub").slug == "pub"
    with pytest.raises(privacy.APIError) as caught:
        privacy.owned_list_or_404(cast.friend, cast.owner, "pub")
    assert (caught.value.status, caught.value.body) == (404, {"error": privacy.NOT_VISIBLE})


# --- Concurrency ---------------------------------------------------------------------------------


def _pause_both_at(pattern: str, parties: int = 2):
    """An engine hook that holds each of `parties` requests at the first statement matching `pattern`
    until all of them got there, so the race is certain rather than likely."""
    barrier = threading.Barrier(parties, timeout=10)
    regex = re.compile(pattern)
    waited: set[int] = set()

    def hold(conn, cursor, statement, parameters, context, executemany):
        thread = threading.get_ident()
        if thread != main_thread and thread not in waited and regex.match(" ".join(statement.split())):
            waited.add(thread)
            barrier.wait()

    main_thread = threading.get_ident()
    return hold


def _race(app, requests):
    """Run each (method, path, headers, body) in its own thread with its own client; return the responses."""
    results: list = [None] * len(requests)

    def run(index, method, path, headers, body):
        with app.test_client() as client:
            response = client.open(path, method=method, headers=headers, data=body)
            results[index] = (response.status_code, response.get_json())

    threads = [threading.Thread(target=run, args=(i, *req)) for i, req in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_concurrent_duplicate_creation_gives_one_list_and_the_duplicate_400(app, headers_for):
    owner = UserFactory()
    headers = headers_for(owner)
    hook = _pause_both_at(r"INSERT INTO movie_lists ")
    event.listen(db.engine, "before_cursor_execute", hook)
    try:
        results = _race(
            app,
            [
                ("POST", "/api/movies-lists/", headers, json.dumps({"name": "Same Name", "privacity": "P"})),
                ("POST", "/api/movies-lists/", headers, json.dumps({"name": "same name!", "privacity": "R"})),
            ],
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", hook)

    statuses = sorted(status for status, _ in results)
    assert statuses == [201, 400]
    assert [body for status, body in results if status == 400] == [{"__all__": ["A movie list with this name already exists."]}]
    db.session.expire_all()
    assert db.session.scalar(db.select(db.func.count()).select_from(MovieList)) == 1


def test_concurrent_rename_onto_the_same_slug_gives_the_duplicate_400(app, headers_for):
    owner = UserFactory()
    first, second = make_list(owner, slug="one"), make_list(owner, slug="two")
    headers = headers_for(owner)
    hook = _pause_both_at(r"UPDATE movie_lists SET ")
    event.listen(db.engine, "before_cursor_execute", hook)
    body = json.dumps({"name": "Target", "privacity": "P"})
    try:
        results = _race(
            app,
            [
                ("PUT", f"/api/movies-lists/{owner.username}/one/", headers, body),
                ("PUT", f"/api/movies-lists/{owner.username}/two/", headers, body),
            ],
        )
    finally:
        event.remove(db.engine, "before_cursor_execute", hook)

    assert sorted(status for status, _ in results) == [200, 400]
    db.session.expire_all()
    slugs = sorted(db.session.get(MovieList, m.id).slug for m in (first, second))
    assert slugs in (["one", "target"], ["target", "two"])


def test_concurrent_adds_of_the_same_movie_store_it_once(app, headers_for):
    owner = UserFactory()
    movie_list = make_list(owner, slug="mine", movies=[MovieFactory()])
    movie = MovieFactory()
    headers = headers_for(owner)
    # Both requests reach the membership lock before either writes.
    hook = _pause_both_at(r"SELECT movie_lists.id FROM movie_lists WHERE movie_lists.id = ")
    event.listen(db.engine, "before_cursor_execute", hook)
    path = f"/api/movies-lists/{owner.username}/mine/{movie.slug}/"
    try:
        results = _race(app, [("POST", path, headers, None), ("POST", path, headers, None)])
    finally:
        event.remove(db.engine, "before_cursor_execute", hook)

    assert [status for status, _ in results] == [200, 200]
    assert results[0][1]["movies"] == results[1][1]["movies"]
    items = db.session.scalars(db.select(MovieListItem).where(MovieListItem.movie_list_id == movie_list.id)).all()
    assert sorted(item.position for item in items) == [0, 1]


def test_friends_of_friends_are_not_friends(app):
    a, b, c = UserFactory(), UserFactory(), UserFactory()
    make_friends(a, b)
    make_friends(b, c)
    movie_list = make_list(a, privacity="F")

    assert privacy.can_see(b, movie_list)
    assert not privacy.can_see(c, movie_list)
