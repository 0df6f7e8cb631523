"""The ladder of API.md 2.2 answered from cached facts (services/accounts/caller.py): no user query while nothing
changed, and every write that must refuse a token refuses it at the next request; both databases."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from moviesx.config import REDIS_CACHE_TYPE
from moviesx.extensions import db
from moviesx.models import User
from moviesx.services.accounts import caller
from moviesx.services.accounts.users import set_password
from tests.factories import MovieFactory, RatingFactory, UserFactory
from tests.support import outages

INVALID = {"error": "Token is invalid"}
GENRES = "/api/genres/"  # A+V, and reads nothing of the caller's row


def token_not_valid(message: str) -> dict:
    return {
        "detail": "Given token not valid for any token type",
        "code": "token_not_valid",
        "messages": [{"token_class": "AccessToken", "token_type": "access", "message": message}],
    }


@pytest.fixture
def user_queries(count_queries):
    """`user_queries(call)` -> the statements on the users table that `call()` ran."""

    def measure(call):
        with count_queries() as counter:
            response = call()
        assert response.status_code == 200, response.get_json()
        return [statement for statement in counter.statements if "FROM users" in statement]

    return measure


def warm(client, headers: dict, user_queries) -> None:
    """A first request caches the facts; the second reads no user row: the fast path is on."""
    assert client.get(GENRES, headers=headers).status_code == 200
    assert user_queries(lambda: client.get(GENRES, headers=headers)) == []


def test_the_ladder_reads_no_user_row_while_nothing_changed(client, headers_for, user_queries):
    headers = headers_for(UserFactory())
    assert len(user_queries(lambda: client.get(GENRES, headers=headers))) == 1
    assert user_queries(lambda: client.get(GENRES, headers=headers)) == []
    # A view that needs the row loads it, once.
    assert len(user_queries(lambda: client.get("/api/users/", headers=headers))) == 1


def test_a_rating_leaves_the_facts_current(client, headers_for, user_queries):
    """A rating replaces the caller's feed token, not their profile token: the next request reads no user row."""
    user = UserFactory()
    headers = headers_for(user)
    movie = MovieFactory(slug="rated")
    RatingFactory(user=user, movie=movie, rating=2)
    warm(client, headers, user_queries)
    for value in (3, 4):
        response = client.put("/api/movies/rated/ratings/", headers=headers, json={"rating": value})
        assert response.status_code == 200, response.get_json()
        db.session.expire_all()  # a row the session still holds would hide a read from the database
        assert user_queries(lambda: client.get(GENRES, headers=headers)) == []


def test_deactivation_from_the_cli_refuses_at_once(app, client, headers_for, user_queries):
    user = UserFactory(username="sleeper")
    headers = headers_for(user)
    warm(client, headers, user_queries)
    result = app.test_cli_runner().invoke(args=["users", "deactivate", "sleeper"])
    assert result.exit_code == 0, result.output
    response = client.get(GENRES, headers=headers)
    assert (response.status_code, response.get_json()) == (401, INVALID)
    assert response.headers["WWW-Authenticate"] == "Bearer"
    assert app.test_cli_runner().invoke(args=["users", "activate", "sleeper"]).exit_code == 0
    assert client.get(GENRES, headers=headers).status_code == 200


def test_a_token_issued_before_a_password_change_is_refused_at_once(client, headers_for, user_queries, clock):
    user = UserFactory()
    headers = headers_for(user)
    warm(client, headers, user_queries)
    clock.advance(seconds=2)
    set_password(user, "a-brand-new-passphrase")
    db.session.commit()
    response = client.get(GENRES, headers=headers)
    assert (response.status_code, response.get_json()) == (401, token_not_valid("Token is invalid"))
    assert client.get(GENRES, headers=headers_for(user)).status_code == 200


def test_a_password_change_through_the_api_refuses_earlier_tokens(client, headers_for, user_queries, clock):
    user = UserFactory()
    headers = headers_for(user)
    warm(client, headers, user_queries)
    clock.advance(seconds=2)
    changed = client.put("/api/users/", headers=headers, json={"password": "another-long-passphrase-42"})
    assert changed.status_code == 200, changed.get_json()
    assert client.get(GENRES, headers=headers).get_json() == token_not_valid("Token is invalid")


def test_a_revoked_refresh_token_is_refused_at_once(client, user_queries):
    from moviesx.services.accounts.tokens import issue_pair

    pair = issue_pair(UserFactory())
    headers = {"Authorization": f"Bearer {pair['access']}"}
    warm(client, headers, user_queries)
    assert client.post("/api/auth/refresh/", json={"refresh": pair["refresh"]}).status_code == 200
    assert client.post("/api/auth/logout/", json={"refresh": pair["refresh"]}).status_code == 204
    response = client.post("/api/auth/refresh/", json={"refresh": pair["refresh"]})
    assert (response.status_code, response.get_json()) == (
        401,
        {"detail": "Token is invalid or expired", "code": "token_not_valid"},
    )


def test_an_unverified_user_is_refused_on_a_plus_v_at_once(client, headers_for, user_queries):
    user = UserFactory()
    headers = headers_for(user)
    warm(client, headers, user_queries)
    changed = client.put("/api/users/", headers=headers, json={"email": "elsewhere@example.com"})  # unverifies
    assert changed.status_code == 200 and changed.get_json()["verified"] is False
    response = client.get(GENRES, headers=headers)
    assert (response.status_code, response.get_json()) == (401, {"error": "User account is not verified"})
    assert client.get("/api/users/preferred-language/", headers=headers).status_code == 200  # A still passes


def test_staff_rights_withdrawn_and_language_changed_apply_at_once(client, headers_for, user_queries):
    user = UserFactory(is_staff=True)
    headers = headers_for(user)
    warm(client, headers, user_queries)
    assert client.get("/api/catalog/genres/", headers=headers).status_code == 200
    user.is_staff = False
    db.session.commit()
    response = client.get("/api/catalog/genres/", headers=headers)
    assert (response.status_code, response.get_json()) == (403, {"error": "Staff only"})
    assert client.post("/api/users/preferred-language/", headers=headers, json={"preferred_language": "es"}).status_code == 200
    user.verified = False
    db.session.commit()
    assert client.get(GENRES, headers=headers).get_json() == {"error": "La cuenta de usuario no está verificada"}


def test_a_deleted_account_is_refused_at_once(client, headers_for, user_queries):
    user = UserFactory()
    headers = headers_for(user)
    warm(client, headers, user_queries)
    db.session.delete(user)
    db.session.commit()
    response = client.get(GENRES, headers=headers)
    assert (response.status_code, response.get_json()) == (401, INVALID)


def test_a_bulk_write_whose_users_are_unknown_refuses_at_once(client, headers_for, user_queries):
    user = UserFactory()
    headers = headers_for(user)
    warm(client, headers, user_queries)
    db.session.execute(update(User).where(User.id == user.id).values(is_active=False))
    db.session.commit()
    assert client.get(GENRES, headers=headers).get_json() == INVALID


def test_the_cache_can_be_turned_off(app, client, headers_for, user_queries):
    app.config["AUTH_CACHE_SECONDS"] = 0
    headers = headers_for(UserFactory())
    for _ in range(2):
        assert len(user_queries(lambda: client.get(GENRES, headers=headers))) == 1


redis_proxy = outages.redis_proxy


@pytest.fixture
def cache_behind_proxy_config(app_config, redis_proxy):
    app_config.update(REDIS_URL=redis_proxy.url, CACHE_TYPE=REDIS_CACHE_TYPE, CACHE_REDIS_URL=redis_proxy.url)
    return app_config


def test_with_the_cache_unreachable_the_database_answers(cache_behind_proxy_config, redis_proxy, app, client, headers_for):
    """No 500 and no stale facts: while Redis is down the ladder reads the row, so a deactivation made during the outage
    (whose token replacement is lost) refuses at once, and still does once Redis is back with the old entry."""
    user = UserFactory(username="outage")
    headers = headers_for(user)
    assert client.get(GENRES, headers=headers).status_code == 200
    assert client.get(GENRES, headers=headers).status_code == 200  # cached
    redis_proxy.cut()
    assert client.get(GENRES, headers=headers).status_code == 200
    assert caller.facts_of(user.id) is not None
    user.is_active = False
    db.session.commit()  # its invalidation cannot reach Redis
    response = client.get(GENRES, headers=headers)
    assert (response.status_code, response.get_json()) == (401, INVALID)
    redis_proxy.restore()
    assert client.get(GENRES, headers=headers).get_json() == INVALID
