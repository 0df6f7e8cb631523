"""The authentication ladder of API.md 2.2, on test-only routes of each level."""

from __future__ import annotations

import time

import jwt
import pytest

from moviesx.http.auth import ANY, STAFF, VERIFIED, authenticated, current_user
from tests.conftest import TEST_SECRET
from tests.factories import UserFactory

pytestmark = pytest.mark.fresh_app

NOT_AUTHENTICATED = {"error": "You need to be authenticated"}


def token_not_valid(message: str) -> dict:
    return {
        "detail": "Given token not valid for any token type",
        "code": "token_not_valid",
        "messages": [{"token_class": "AccessToken", "token_type": "access", "message": message}],
    }


@pytest.fixture
def ladder_app(app):
    for level in (ANY, VERIFIED, STAFF):

        def view(level=level):
            return {"level": level, "user": current_user().username}

        app.add_url_rule(f"/api/_ladder/{level}/", f"ladder_{level}", authenticated(level)(view))
    return app


def claims_for(user, **overrides) -> dict:
    now = int(time.time())
    claims = {
        "token_type": "access",
        "user_id": user.id,
        "username": user.username,
        "verified": user.verified,
        "boarded": user.boarded,
        "preferred_language": user.preferred_language,
        "jti": "abc123",
        "iat": now,
        "exp": now + 600,
    }
    claims.update(overrides)
    return {key: value for key, value in claims.items() if value is not None}


def forge(claims: dict, key: str = TEST_SECRET, algorithm: str = "HS256") -> str:
    return jwt.encode(claims, key, algorithm=algorithm)


def call(client, level: str, authorization: str | None):
    headers = {} if authorization is None else {"Authorization": authorization}
    return client.get(f"/api/_ladder/{level}/", headers=headers)


@pytest.mark.parametrize("header", [None, "", "   ", "Basic abc", "Token abc"])
def test_missing_or_foreign_scheme_is_step_one(ladder_app, client, header):
    response = call(client, ANY, header)
    assert response.status_code == 401
    assert response.get_json() == NOT_AUTHENTICATED
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_scheme_is_case_insensitive(ladder_app, client, token_for):
    user = UserFactory()
    response = call(client, ANY, f"bEaReR {token_for(user)}")
    assert response.status_code == 200
    assert response.get_json() == {"level": ANY, "user": user.username}


@pytest.mark.parametrize("header", ["Bearer", "Bearer a b", "Bearer not.a.jwt", "Bearer abc"])
def test_malformed_tokens_are_invalid(ladder_app, client, header):
    response = call(client, ANY, header)
    assert response.status_code == 401
    assert response.get_json() == token_not_valid("Token is invalid")
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_bad_signature_and_other_algorithms_are_invalid(ladder_app, client):
    user = UserFactory()
    for token in (
        forge(claims_for(user), key="another-secret-key-that-is-long-enough"),
        forge(claims_for(user), key=TEST_SECRET, algorithm="HS512"),
        jwt.encode(claims_for(user), None, algorithm="none"),
    ):
        response = call(client, ANY, f"Bearer {token}")
        assert response.get_json() == token_not_valid("Token is invalid")


def test_expired_token(ladder_app, client):
    user = UserFactory()
    past = int(time.time()) - 1000
    response = call(client, ANY, f"Bearer {forge(claims_for(user, iat=past, exp=past + 10))}")
    assert response.status_code == 401
    assert response.get_json() == token_not_valid("Token is expired")


def test_expiry_is_checked_before_type(ladder_app, client):
    user = UserFactory()
    past = int(time.time()) - 1000
    token = forge(claims_for(user, iat=past, exp=past + 10, token_type="refresh"))
    assert call(client, ANY, f"Bearer {token}").get_json() == token_not_valid("Token is expired")


def test_refresh_token_has_wrong_type(ladder_app, client):
    user = UserFactory()
    response = call(client, ANY, f"Bearer {forge(claims_for(user, token_type='refresh'))}")
    assert response.status_code == 401
    assert response.get_json() == token_not_valid("Token has wrong type")


@pytest.mark.parametrize(
    "overrides",
    [
        {"user_id": None},
        {"user_id": "1"},
        {"user_id": True},
        {"username": None},
        {"verified": "yes"},
        {"boarded": None},
        {"preferred_language": 1},
        {"jti": None},
        {"iat": None},
        {"iat": "now"},
        {"token_type": None},
    ],
)
def test_missing_or_ill_typed_claims_are_invalid(ladder_app, client, overrides):
    user = UserFactory()
    response = call(client, ANY, f"Bearer {forge(claims_for(user, **overrides))}")
    assert response.status_code == 401
    assert response.get_json() == token_not_valid("Token is invalid")


def test_unknown_or_inactive_user_is_step_three(ladder_app, client):
    user = UserFactory()
    ghost = forge(claims_for(user, user_id=user.id + 1000))
    assert call(client, ANY, f"Bearer {ghost}").get_json() == {"error": "Token is invalid"}
    user.is_active = False
    from moviesx.extensions import db

    db.session.commit()
    response = call(client, ANY, f"Bearer {forge(claims_for(user))}")
    assert response.status_code == 401
    assert response.get_json() == {"error": "Token is invalid"}
    assert response.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("user_id", [2**63, 2**70, -(2**63) - 1])
def test_user_id_outside_the_database_range_is_step_three(ladder_app, client, user_id):
    user = UserFactory()
    response = call(client, ANY, f"Bearer {forge(claims_for(user, user_id=user_id))}")
    assert response.status_code == 401
    assert response.get_json() == {"error": "Token is invalid"}


def test_unverified_user_passes_any_but_not_verified(ladder_app, client, headers_for):
    user = UserFactory(verified=False)
    assert call(client, ANY, headers_for(user)["Authorization"]).status_code == 200
    response = call(client, VERIFIED, headers_for(user)["Authorization"])
    assert response.status_code == 401
    assert response.get_json() == {"error": "User account is not verified"}
    assert call(client, STAFF, headers_for(user)["Authorization"]).get_json() == {"error": "User account is not verified"}


def test_verified_state_is_read_from_the_database_not_the_token(ladder_app, client, headers_for):
    user = UserFactory(verified=False)
    authorization = headers_for(user)["Authorization"]
    user.verified = True
    from moviesx.extensions import db

    db.session.commit()
    assert call(client, VERIFIED, authorization).status_code == 200


def test_staff_only(ladder_app, client, headers_for):
    user = UserFactory()
    response = call(client, STAFF, headers_for(user)["Authorization"])
    assert response.status_code == 403
    assert response.get_json() == {"error": "Staff only"}
    staff = UserFactory(is_staff=True)
    assert call(client, STAFF, headers_for(staff)["Authorization"]).get_json() == {"level": STAFF, "user": staff.username}


def test_unverified_message_uses_the_stored_language(ladder_app, client, headers_for):
    user = UserFactory(verified=False, preferred_language="es")
    response = call(client, VERIFIED, headers_for(user)["Authorization"])
    assert response.get_json() == {"error": "La cuenta de usuario no está verificada"}
    assert "está".encode() in response.get_data()


def test_token_issued_before_password_change_is_invalid(ladder_app, client, headers_for, clock):
    from moviesx.extensions import db
    from moviesx.services.accounts.users import set_password

    user = UserFactory()
    authorization = headers_for(user)["Authorization"]
    assert call(client, ANY, authorization).status_code == 200
    clock.advance(seconds=2)
    set_password(user, "a-brand-new-passphrase")
    db.session.commit()
    assert call(client, ANY, authorization).get_json() == token_not_valid("Token is invalid")


def test_token_issued_in_the_same_second_as_the_change_stays_valid(ladder_app, client, clock):
    from moviesx.extensions import db
    from moviesx.services.accounts.users import set_password

    user = UserFactory()
    set_password(user, "a-brand-new-passphrase")
    db.session.commit()
    token = forge(claims_for(user, iat=int(clock.now.timestamp())))
    assert call(client, ANY, f"Bearer {token}").status_code == 200
