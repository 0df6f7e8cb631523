"""`flask users create|activate|deactivate` through click's runner (API.md 10.1)."""

from __future__ import annotations

from sqlalchemy import select

from moviesx.extensions import db
from moviesx.models import User
from moviesx.services.accounts.passwords import verify_password
from tests.factories import UserFactory

PASSWORD = "command-line-passphrase"


def user_named(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def test_create_a_verified_staff_user(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "admin", "admin@example.com", "--staff", "--password", PASSWORD]
    )
    assert result.exit_code == 0, result.output
    assert result.output == "User admin created (staff)\n"
    user = user_named("admin")
    assert (user.email, user.verified, user.boarded, user.is_staff) == ("admin@example.com", True, False, True)
    assert verify_password(user.password_hash, PASSWORD)


def test_password_is_prompted_twice_when_omitted(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "prompted", "p@example.com"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    assert client.post("/api/auth/login/", json={"username": "prompted", "password": PASSWORD}).status_code == 200


def test_existing_user_gets_a_new_password_and_old_tokens_die(app, client, clock, headers_for):
    user = UserFactory(username="old_timer", is_staff=True)
    headers = headers_for(user)
    clock.advance(seconds=1)
    result = app.test_cli_runner().invoke(args=["users", "create", "old_timer", "ignored@example.com", "--password", PASSWORD])
    assert result.exit_code == 0, result.output
    assert result.output == "User old_timer updated\n"
    user = user_named("old_timer")
    assert (user.is_staff, user.email) == (False, "old_timer@example.com")
    assert client.get("/api/users/", headers=headers).status_code == 401
    assert client.post("/api/auth/login/", json={"username": "old_timer", "password": PASSWORD}).status_code == 200


def test_create_refuses_bad_input(app):
    runner = app.test_cli_runner()
    UserFactory(username="taken", email="taken@example.com")
    cases = [
        (["bad name", "x@example.com"], "bad name: Enter a valid username."),
        (["searching", "x@example.com"], "searching: This username is reserved."),
        (["TAKEN", "x@example.com"], "TAKEN: A user with that username already exists."),
        (["fresh", "TAKEN@example.com"], "fresh: User with this Email already exists."),
        (["fresh", "nope"], "fresh: Enter a valid email address."),
    ]
    for args, message in cases:
        result = runner.invoke(args=["users", "create", *args, "--password", PASSWORD])
        assert result.exit_code == 1
        assert message in result.output
    result = runner.invoke(args=["users", "create", "fresh", "fresh@example.com", "--password", "123456789"])
    assert result.exit_code == 1
    assert "This password is too common." in result.output and "This password is entirely numeric." in result.output
    assert user_named("fresh") is None


def test_deactivate_and_activate(app, client, headers_for):
    user = UserFactory(username="sleeper")
    headers = headers_for(user)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "deactivate", "sleeper"])
    assert (result.exit_code, result.output) == (0, "User sleeper deactivated\n")
    assert client.get("/api/users/", headers=headers).get_json() == {"error": "Token is invalid"}
    login = client.post("/api/auth/login/", json={"username": "sleeper", "password": "correct-horse-battery-staple"})
    assert login.get_json() == {"detail": "No active account found with the given credentials"}
    result = runner.invoke(args=["users", "activate", "sleeper"])
    assert (result.exit_code, result.output) == (0, "User sleeper activated\n")
    assert client.get("/api/users/", headers=headers).status_code == 200
    result = runner.invoke(args=["users", "deactivate", "ghost"])
    assert result.exit_code == 1
    assert "User not found: ghost" in result.output


def test_usage_errors_exit_1_with_the_message_on_stderr(app):
    """API.md 10: every error exits 1 (click's own code for a usage error is 2)."""
    runner = app.test_cli_runner()
    cases = [
        (["users", "create", "alice"], "Missing argument 'EMAIL'"),
        (["users", "create", "alice", "alice@example.com", "--colour"], "No such option '--colour'"),
        (["users", "promote", "alice"], "No such command 'promote'"),
        (["recommender", "schedule", "--at"], "Option '--at' requires an argument"),
        (["users"], "Usage: "),  # a group without its command shows its help, as an error
    ]
    for args, message in cases:
        result = runner.invoke(args=args)
        assert result.exit_code == 1, (args, result.output)
        assert message in result.stderr and result.stdout == "", (args, result.output)
    assert user_named("alice") is None
