"""Passwords over 128 characters (API.md 23): refused before every other rule and before any hashing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from werkzeug.security import generate_password_hash

from moviesx.extensions import db
from moviesx.models import OneTimeCode, User
from moviesx.services.accounts import passwords
from tests.factories import DEFAULT_PASSWORD, UserFactory
from tests.support import smtp as smtp_support
from tests.support.smtp import code_in

mail_config = smtp_support.mail_config
smtp_server = smtp_support.smtp_server
HUGE = 9_000_000


def too_long(length: int) -> str:
    return f"Ensure this value has at most 128 characters (it has {length})."


@pytest.fixture
def work(monkeypatch):
    """Counts of the costly steps (similarity comparisons, hashes, hash checks); each still does its real work."""
    counts = {"similarity": 0, "hash": 0, "check": 0}

    class CountingMatcher(passwords.SequenceMatcher):
        def __init__(self, *args, **kwargs):
            counts["similarity"] += 1
            super().__init__(*args, **kwargs)

    def counting(name, real):
        def wrapper(*args, **kwargs):
            counts[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(passwords, "SequenceMatcher", CountingMatcher)
    monkeypatch.setattr(passwords, "generate_password_hash", counting("hash", passwords.generate_password_hash))
    monkeypatch.setattr(passwords, "check_password_hash", counting("check", passwords.check_password_hash))
    return counts


def signup(client, password: str, **extra):
    body = {"username": "longpass", "email": "long@example.com", "first_name": "L", "last_name": "P", "password": password}
    return client.post("/api/auth/signup/", json={**body, **extra})


def test_signup_refuses_a_huge_password_before_any_rule_or_hash(client, work):
    response = signup(client, "1" * HUGE)
    assert response.status_code == 400
    assert response.get_json() == {"password": [too_long(HUGE)]}
    assert work == {"similarity": 0, "hash": 0, "check": 0}
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_signup_reports_the_length_with_the_other_field_errors(client):
    response = signup(client, "x" * 129, email="not-an-email", username="bad name")
    assert response.get_json() == {
        "username": ["Enter a valid username. This value may contain only letters, numbers, and underscores."],
        "email": ["Enter a valid email address."],
        "password": [too_long(129)],
    }


def test_signup_accepts_exactly_128_characters(client):
    password = "correct horse battery staple " * 4 + "abcd"
    assert len(password) == 120
    password += "12345678"
    response = signup(client, password)
    assert response.status_code == 200, response.get_json()
    assert client.post("/api/auth/login/", json={"username": "longpass", "password": password}).status_code == 200


def test_profile_refuses_a_long_password_and_keeps_the_old_one(as_user, client, work):
    user = UserFactory(username="keeper")
    work.update(similarity=0, hash=0, check=0)
    response = as_user(user).put("/api/users/", json={"password": "7" * 129, "first_name": "Changed"})
    assert response.status_code == 400
    assert response.get_json() == {"password": [too_long(129)]}
    assert work == {"similarity": 0, "hash": 0, "check": 0}
    db.session.expire_all()
    assert db.session.get(User, user.id).first_name == "Test"
    assert client.post("/api/auth/login/", json={"username": "keeper", "password": DEFAULT_PASSWORD}).status_code == 200


def test_reset_lists_the_length_alone_and_keeps_the_code(client, mail_config, work):
    UserFactory(username="resetter", email="resetter@example.com")
    client.get("/api/auth/forgot-password/?email=resetter@example.com")
    code = code_in(mail_config.mailbox.last_to("resetter@example.com"))
    work.update(similarity=0, hash=0, check=0)
    body = {"email": "resetter@example.com", "forgot_password_code": code, "new_password": "5" * 200}
    response = client.post("/api/auth/forgot-password/", json=body)
    assert response.status_code == 400
    assert response.get_json() == {"error": [too_long(200)]}  # not also "entirely numeric"
    assert work["similarity"] == 0 and work["hash"] == 0
    assert db.session.scalar(select(OneTimeCode.attempts)) == 0  # the right code was given back
    body["new_password"] = "a fresh and fine passphrase"
    assert client.post("/api/auth/forgot-password/", json=body).status_code == 200


def test_users_create_refuses_a_long_password(app):
    result = app.test_cli_runner().invoke(args=["users", "create", "cli_long", "cli@example.com", "--password", "q" * 300])
    assert result.exit_code == 1
    assert result.output == too_long(300) + "\n"
    assert db.session.scalar(select(User).where(User.username == "cli_long")) is None


def test_login_compares_nothing_longer_than_128_characters(client, work):
    legacy = "an old passphrase from before the cap " * 6
    assert len(legacy) > 128
    UserFactory(username="legacy", password_hash=generate_password_hash(legacy, method="pbkdf2:sha256:1000"))
    for username in ("legacy", "nobody_here"):
        response = client.post("/api/auth/login/", json={"username": username, "password": legacy})
        assert response.status_code == 401
        assert response.get_json() == {"detail": "No active account found with the given credentials"}
    assert work["check"] == 0
    # The count does see a hash check when one happens.
    assert client.post("/api/auth/login/", json={"username": "legacy", "password": "x" * 128}).status_code == 401
    assert work["check"] == 1
