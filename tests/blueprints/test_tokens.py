"""Login, refresh and logout end to end (API.md 2.1, 2.3, 2.4, 5.1)."""

from __future__ import annotations

import time

import jwt
import pytest

from moviesx.extensions import db
from moviesx.services.accounts.users import set_password
from tests.conftest import TEST_SECRET
from tests.factories import DEFAULT_PASSWORD, UserFactory

REFRESH_REJECTED = {"detail": "Token is invalid or expired", "code": "token_not_valid"}
NO_ACCOUNT = {"detail": "No active account found with the given credentials"}


def login(client, username, password=DEFAULT_PASSWORD, **kwargs):
    return client.post("/api/auth/login/", json={"username": username, "password": password}, **kwargs)


def decode(token: str) -> dict:
    return jwt.decode(token, TEST_SECRET, algorithms=["HS256"])


def test_login_returns_a_token_pair_with_the_contract_claims(client):
    user = UserFactory(username="Alice", verified=False, boarded=False, preferred_language="fr")
    response = login(client, "alice")
    assert response.status_code == 200
    body = response.get_json()
    assert list(body) == ["refresh", "access"]
    access, refresh = decode(body["access"]), decode(body["refresh"])
    assert jwt.get_unverified_header(body["access"]) == {"alg": "HS256", "typ": "JWT"}
    for claims, kind in ((access, "access"), (refresh, "refresh")):
        assert claims["token_type"] == kind
        assert claims["user_id"] == user.id
        assert claims["username"] == "Alice"
        assert claims["verified"] is False
        assert claims["boarded"] is False
        assert claims["preferred_language"] == "fr"
        assert isinstance(claims["jti"], str) and claims["jti"]
    assert access["exp"] - access["iat"] == 60 * 60
    assert refresh["exp"] - refresh["iat"] == 90 * 24 * 3600
    assert access["jti"] != refresh["jti"]


def test_login_accepts_form_bodies(client):
    UserFactory(username="bob")
    response = client.post("/api/auth/login/", data={"username": "bob", "password": DEFAULT_PASSWORD})
    assert response.status_code == 200
    multipart = client.post(
        "/api/auth/login/", data={"username": "bob", "password": DEFAULT_PASSWORD}, content_type="multipart/form-data"
    )
    assert multipart.status_code == 200


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({}, {"username": ["This field is required."], "password": ["This field is required."]}),
        (
            {"username": "  ", "password": ""},
            {"username": ["This field cannot be blank."], "password": ["This field cannot be blank."]},
        ),
        ({"username": None, "password": "x"}, {"username": ["This field is required."]}),
        ({"username": 5, "password": "x"}, {"username": ["Not a valid string."]}),
    ],
)
def test_login_field_errors(client, body, expected):
    response = client.post("/api/auth/login/", json=body)
    assert response.status_code == 400
    assert response.get_json() == expected


def test_login_empty_body_reports_both_fields(client):
    response = client.post("/api/auth/login/", data="", content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"username": ["This field is required."], "password": ["This field is required."]}


@pytest.mark.parametrize("raw", ["{", "[1, 2]", '"text"', "\xff"])
def test_login_broken_json(client, raw):
    response = client.post("/api/auth/login/", data=raw.encode("latin-1"), content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "Invalid JSON body"}


def test_login_failures_are_all_the_same_401(client):
    UserFactory(username="carol")
    UserFactory(username="dave", is_active=False)
    UserFactory(username="erin", password_hash=None)
    for username, password in (
        ("carol", "wrong-password-123"),
        ("nobody", DEFAULT_PASSWORD),
        ("dave", DEFAULT_PASSWORD),
        ("erin", ""),
    ):
        response = login(client, username, password or "anything-at-all")
        assert response.status_code == 401
        assert response.get_json() == NO_ACCOUNT


def test_refresh_rebuilds_claims_from_the_database(client):
    user = UserFactory(verified=False, boarded=False)
    refresh = login(client, user.username).get_json()["refresh"]
    user.verified = True
    user.boarded = True
    user.preferred_language = "de"
    db.session.commit()
    response = client.post("/api/auth/refresh/", json={"refresh": refresh})
    assert response.status_code == 200
    assert list(response.get_json()) == ["access"]
    claims = decode(response.get_json()["access"])
    assert (claims["verified"], claims["boarded"], claims["preferred_language"], claims["token_type"]) == (
        True,
        True,
        "de",
        "access",
    )


def test_refresh_field_errors(client):
    assert client.post("/api/auth/refresh/", json={}).get_json() == {"refresh": ["This field is required."]}
    assert client.post("/api/auth/refresh/", json={"refresh": " "}).get_json() == {"refresh": ["This field cannot be blank."]}
    assert client.post("/api/auth/refresh/", data={"refresh": ""}).get_json() == {"refresh": ["This field cannot be blank."]}


def test_refresh_rejects_access_expired_and_forged_tokens(client):
    user = UserFactory()
    pair = login(client, user.username).get_json()
    now = int(time.time())
    expired = jwt.encode({**decode(pair["refresh"]), "iat": now - 100, "exp": now - 10}, TEST_SECRET, algorithm="HS256")
    forged = jwt.encode(decode(pair["refresh"]), "some-other-key-long-enough-for-hs256-xx", algorithm="HS256")
    for token in (pair["access"], expired, forged, "garbage"):
        response = client.post("/api/auth/refresh/", json={"refresh": token})
        assert response.status_code == 401
        assert response.get_json() == REFRESH_REJECTED


def test_refresh_for_a_deactivated_user(client):
    user = UserFactory()
    refresh = login(client, user.username).get_json()["refresh"]
    user.is_active = False
    db.session.commit()
    response = client.post("/api/auth/refresh/", json={"refresh": refresh})
    assert response.status_code == 401
    assert response.get_json() == {"detail": "No active account found for the given token.", "code": "no_active_account"}


def test_refresh_for_a_user_id_outside_the_database_range(client):
    user = UserFactory()
    claims = decode(login(client, user.username).get_json()["refresh"])
    token = jwt.encode({**claims, "user_id": 2**70}, TEST_SECRET, algorithm="HS256")
    response = client.post("/api/auth/refresh/", json={"refresh": token})
    assert response.status_code == 401
    assert response.get_json() == {"detail": "No active account found for the given token.", "code": "no_active_account"}


def test_logout_revokes_the_refresh_token(client):
    user = UserFactory()
    pair = login(client, user.username).get_json()
    response = client.post("/api/auth/logout/", json={"refresh": pair["refresh"]})
    assert response.status_code == 204
    assert response.get_data() == b""
    assert client.post("/api/auth/refresh/", json={"refresh": pair["refresh"]}).get_json() == REFRESH_REJECTED
    assert client.post("/api/auth/logout/", json={"refresh": pair["refresh"]}).status_code == 204
    # access tokens already issued stay valid until they expire
    other = login(client, user.username).get_json()["refresh"]
    assert client.post("/api/auth/refresh/", json={"refresh": other}).status_code == 200


def test_logout_errors(client):
    user = UserFactory()
    access = login(client, user.username).get_json()["access"]
    assert client.post("/api/auth/logout/", json={}).get_json() == {"refresh": ["This field is required."]}
    response = client.post("/api/auth/logout/", json={"refresh": access})
    assert response.status_code == 401
    assert response.get_json() == REFRESH_REJECTED


@pytest.mark.parametrize("exp", [10**12, 2**70])
def test_logout_of_a_token_expiring_after_year_9999(client, exp):
    user = UserFactory()
    claims = decode(login(client, user.username).get_json()["refresh"])
    token = jwt.encode({**claims, "exp": exp}, TEST_SECRET, algorithm="HS256")
    assert client.post("/api/auth/logout/", json={"refresh": token}).status_code == 204
    assert client.post("/api/auth/refresh/", json={"refresh": token}).get_json() == REFRESH_REJECTED


@pytest.mark.parametrize("jti", ["j" * 100, "nul\u0000byte", "lone\ud800"])
def test_logout_and_refresh_with_any_jti_string(client, jti):
    user = UserFactory()
    claims = decode(login(client, user.username).get_json()["refresh"])
    token = jwt.encode({**claims, "jti": jti}, TEST_SECRET, algorithm="HS256")
    assert client.post("/api/auth/refresh/", json={"refresh": token}).status_code == 200
    assert client.post("/api/auth/logout/", json={"refresh": token}).status_code == 204
    assert client.post("/api/auth/logout/", json={"refresh": token}).status_code == 204
    assert client.post("/api/auth/refresh/", json={"refresh": token}).get_json() == REFRESH_REJECTED
    # another token of the same user is untouched
    assert (
        client.post("/api/auth/refresh/", json={"refresh": login(client, user.username).get_json()["refresh"]}).status_code == 200
    )


def test_revocation_survives_a_new_app(client, app_config):
    from moviesx import create_app

    user = UserFactory()
    refresh = login(client, user.username).get_json()["refresh"]
    client.post("/api/auth/logout/", json={"refresh": refresh})
    restarted = create_app(app_config)
    with restarted.app_context():
        response = restarted.test_client().post("/api/auth/refresh/", json={"refresh": refresh})
    assert response.get_json() == REFRESH_REJECTED


def test_password_change_kills_earlier_refresh_tokens(client, clock):
    user = UserFactory()
    refresh = login(client, user.username).get_json()["refresh"]
    clock.advance(seconds=2)
    set_password(user, "another-long-passphrase")
    db.session.commit()
    assert client.post("/api/auth/refresh/", json={"refresh": refresh}).get_json() == REFRESH_REJECTED
