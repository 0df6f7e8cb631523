"""Password rules (API.md 7.4) and hashing."""

from __future__ import annotations

import pytest
from werkzeug.security import generate_password_hash

from moviesx import create_app
from moviesx.services.accounts.passwords import common_passwords, hash_password, password_problems, verify_password

SHORT = "This password is too short. It must contain at least 10 characters."
COMMON = "This password is too common."
NUMERIC = "This password is entirely numeric."
SIMILAR_USERNAME = "The password is too similar to the username."
SIMILAR_EMAIL = "The password is too similar to the email address."


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("123456789", [SHORT, COMMON, NUMERIC]),
        ("password", [SHORT, COMMON]),
        ("Password123", [COMMON]),
        ("qwertyuiop", [COMMON]),
        ("1234567890", [COMMON, NUMERIC]),
        ("90817263544", [NUMERIC]),
        ("short", [SHORT]),
        ("a perfectly fine passphrase", []),
    ],
)
def test_rules_in_order(password, expected):
    assert password_problems(password, username="someone", email="someone@example.com") == expected


def test_bundled_list_is_large():
    assert len(common_passwords()) >= 19_000
    assert {"123456789", "password", "password123", "qwertyuiop", "1234567890"} <= common_passwords()


def test_similarity_username_first_then_email_parts():
    assert password_problems("marianne_rocks", username="marianne_rock", email="marianne@example.com") == [SIMILAR_USERNAME]
    assert password_problems("cinema.lover.x", username="bob", email="cinema.lover@example.com") == [SIMILAR_EMAIL]
    assert password_problems("totally-different-words", username="bob", email="bob@example.com") == []


@pytest.fixture
def bare_app(tmp_path):
    """No database needed: the production hashing settings only."""
    app = create_app({"INSTANCE_PATH": str(tmp_path), "MOVIESX_ENV": "testing", "SECRET_KEY": "k" * 40})
    with app.app_context():
        yield app


def test_hashing_uses_a_slow_function_and_verifies(bare_app):
    hashed = hash_password("a perfectly fine passphrase")
    assert hashed.startswith("scrypt:")
    assert verify_password(hashed, "a perfectly fine passphrase")
    assert not verify_password(hashed, "another passphrase")
    assert not verify_password(None, "anything")
    assert not verify_password("", "anything")
    assert verify_password(generate_password_hash("x", method="pbkdf2:sha256:1000"), "x")


def test_the_length_cap_comes_first_and_alone():
    assert password_problems("1" * 129, username="1111", email="1111@example.com") == [
        "Ensure this value has at most 128 characters (it has 129)."
    ]
    assert password_problems("1" * 128, username="bob", email="bob@example.com") == [NUMERIC]
