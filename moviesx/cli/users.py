"""`users create|activate|deactivate`."""

from __future__ import annotations

import click

from moviesx.cli import CommandGroup
from moviesx.extensions import db
from moviesx.models import User
from moviesx.services.accounts import users as user_rules
from moviesx.services.accounts.passwords import password_problems

users = CommandGroup("users", help="Manage user accounts.")
commands = [users]


def _fail(message: str) -> None:
    click.echo(message, err=True)
    raise SystemExit(1)


@users.command("create")
@click.argument("username")
@click.argument("email")
@click.option("--staff", is_flag=True, help="Give the user staff rights.")
@click.option("--password", help="The password; prompted twice (hidden) when omitted.")
def create_user(username: str, email: str, staff: bool, password: str | None) -> None:
    """Create a verified user, or update the password and staff flag of an existing one."""
    existing = db.session.scalar(db.select(User).where(User.username == username))
    if password is None:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if existing is None:
        problem = user_rules.username_problem(username) or user_rules.email_problem(email)
        if problem:
            _fail(f"{username}: {problem}")
    problems = password_problems(password, username=username, email=existing.email if existing else email)
    if problems:
        _fail("\n".join(problems))
    user, created = user_rules.save_by_operator(username, email, password, staff=staff)
    click.echo(f"User {user.username} {'created' if created else 'updated'}{' (staff)' if user.is_staff else ''}")


def _set_active(username: str, active: bool) -> None:
    user = db.session.scalar(db.select(User).where(User.username == username))
    if user is None:
        _fail(f"User not found: {username}")
    user_rules.set_active(user, active)
    click.echo(f"User {username} {'activated' if active else 'deactivated'}")


@users.command("deactivate")
@click.argument("username")
def deactivate_user(username: str) -> None:
    """Block the user everywhere while keeping their data."""
    _set_active(username, False)


@users.command("activate")
@click.argument("username")
def activate_user(username: str) -> None:
    _set_active(username, True)
