"""GET /api/movies/ computes from the ladder's facts of the caller: the row is read only when the computation did not
prove the caller still active, and a caller deleted or deactivated since the ladder passed is refused as before."""

from __future__ import annotations

import numpy as np
import pytest
from sqlalchemy import update

from moviesx.blueprints import feed as feed_views
from moviesx.extensions import db
from moviesx.models import User
from tests.factories import UserFactory
from tests.support.recommender import hand_built_model, movie, rate_many

INVALID = {"error": "Token is invalid"}


def users_read(count_queries, call) -> tuple:
    with count_queries() as counter:
        response = call()
    return response, [statement for statement in counter.statements if "FROM users" in statement]


@pytest.mark.parametrize("seconds", [600, 0], ids=["cached", "uncached"])
def test_a_model_ranked_feed_reads_no_user_row(as_user, app, count_queries, seconds):
    app.config["FEED_CACHE_SECONDS"] = seconds
    films = [movie() for _ in range(6)]
    hand_built_model(films, np.random.default_rng(3).normal(size=(6, 3)))
    user = UserFactory()
    rate_many([(user, films[0], 5), (user, films[1], 4)])
    client = as_user(user)
    first = client.get("/api/movies/")  # caches the ladder's facts
    assert first.status_code == 200
    response, statements = users_read(count_queries, lambda: client.get("/api/movies/"))
    assert response.status_code == 200 and response.get_json() == first.get_json()
    assert [statement for statement in statements if "users.email" in statement] == []  # no row load


@pytest.mark.parametrize("seconds", [600, 0], ids=["cached", "uncached"])
@pytest.mark.parametrize("known", [True, False], ids=["model", "fallback"])
@pytest.mark.parametrize("change", ["deactivated", "deleted"])
def test_a_caller_gone_since_the_ladder_passed_is_refused(as_user, app, monkeypatch, seconds, known, change):
    app.config["FEED_CACHE_SECONDS"] = seconds
    films = [movie() for _ in range(6)]
    hand_built_model(films, np.random.default_rng(3).normal(size=(6, 3)))
    user = UserFactory()
    rate_many([(user, films[0], 5), (user, films[1], 4)] if known else [])
    user_id = user.id
    client = as_user(user)
    assert client.get("/api/movies/").status_code == 200
    facts = feed_views.current_facts

    def gone_after_the_ladder():
        if change == "deleted":
            db.session.delete(db.session.get(User, user_id))
        else:
            db.session.execute(update(User).where(User.id == user_id).values(is_active=False))
        db.session.commit()
        return facts()

    monkeypatch.setattr(feed_views, "current_facts", gone_after_the_ladder)
    if seconds:
        monkeypatch.setattr(feed_views, "cached_body", lambda claims: None)  # the computation, not a cached entry
    response = client.get("/api/movies/")
    assert (response.status_code, response.get_json()) == (401, INVALID)
