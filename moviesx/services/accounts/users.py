"""User identity rules shared by signup, profile edits and the `users` commands (API.md 5.1)."""

from __future__ import annotations

import re

from sqlalchemy import false, func, or_, select

from moviesx.clock import utcnow
from moviesx.extensions import db
from moviesx.models import User
from moviesx.schemas.fields import is_email
from moviesx.services.accounts.passwords import hash_password

USERNAME_PATTERN = re.compile(r"[A-Za-z0-9_]+\Z")  # \Z: "$" would accept a trailing newline
RESERVED_USERNAMES = {"onboarding", "friends", "searching"}
USERNAME_INVALID = "Enter a valid username. This value may contain only letters, numbers, and underscores."
USERNAME_RESERVED = "This username is reserved."
USERNAME_TAKEN = "A user with that username already exists."
EMAIL_INVALID = "Enter a valid email address."
EMAIL_TAKEN = "User with this Email already exists."


def username_taken(username: str, *, exclude_id: int | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.username) == username.lower())
    if exclude_id is not None:
        stmt = stmt.where(User.id != exclude_id)
    return db.session.scalar(stmt) is not None


def email_taken(email: str, *, exclude_id: int | None = None) -> bool:
    stmt = select(User.id).where(func.lower(User.email) == email.lower())
    if exclude_id is not None:
        stmt = stmt.where(User.id != exclude_id)
    return db.session.scalar(stmt) is not None


def username_problem(username: str, *, exclude_id: int | None = None) -> str | None:
    """Format, then reserved words, then uniqueness ignoring case."""
    if not USERNAME_PATTERN.match(username):
        return USERNAME_INVALID
    if username.lower() in RESERVED_USERNAMES:
        return USERNAME_RESERVED
    if username_taken(username, exclude_id=exclude_id):
        return USERNAME_TAKEN
    return None


def email_problem(email: str, *, exclude_id: int | None = None) -> str | None:
    if len(email) > 254 or not is_email(email):
        return EMAIL_INVALID
    if email_taken(email, exclude_id=exclude_id):
        return EMAIL_TAKEN
    return None


def identity_problems(username: str | None, email: str | None, *, exclude_id: int | None = None) -> dict[str, str]:
    """Username and email problems; both uniqueness checks read one snapshot (a single query), so a
    concurrent signup is seen either for both fields or for neither."""
    problems: dict[str, str] = {}
    if username is not None:
        if not USERNAME_PATTERN.match(username):
            problems["username"] = USERNAME_INVALID
        elif username.lower() in RESERVED_USERNAMES:
            problems["username"] = USERNAME_RESERVED
    if email is not None and (len(email) > 254 or not is_email(email)):
        problems["email"] = EMAIL_INVALID
    same_username = (
        func.lower(User.username) == username.lower() if username is not None and "username" not in problems else false()
    )
    same_email = func.lower(User.email) == email.lower() if email is not None and "email" not in problems else false()
    stmt = select(same_username, same_email).where(or_(same_username, same_email))
    if exclude_id is not None:
        stmt = stmt.where(User.id != exclude_id)
    for username_match, email_match in db.session.execute(stmt):
        if username_match:
            problems["username"] = USERNAME_TAKEN
        if email_match:
            problems["email"] = EMAIL_TAKEN
    return problems


def set_password(user: User, password: str) -> None:
    """Store a new password and revoke every token issued before now (API.md 2.4)."""
    user.password_hash = hash_password(password)
    user.password_changed_at = utcnow()


def save_by_operator(username: str, email: str, password: str, *, staff: bool) -> tuple[User, bool]:
    """`users create` (API.md 10.1): a new verified user, or a new password and staff flag for the user with that
    username; committed. The caller has checked the identity and password rules. Returns (user, created)."""
    user = db.session.scalar(select(User).where(User.username == username))
    created = user is None
    if created:
        user = User(username=username, email=email, verified=True, boarded=False)
        db.session.add(user)
    user.is_staff = staff
    set_password(user, password)
    db.session.commit()
    return user, created


def set_active(user: User, active: bool) -> None:
    """`users activate|deactivate`: a deactivated user keeps their data but is refused everywhere; committed."""
    user.is_active = active
    db.session.commit()


def find_active(username: str) -> User | None:
    """The active user with exactly this username (path lookups are case-sensitive)."""
    return db.session.scalar(select(User).where(User.username == username, User.is_active.is_(True)))


def find_by_email(email: str) -> User | None:
    """The user with this email ignoring case (emails are unique ignoring case)."""
    return db.session.scalar(select(User).where(func.lower(User.email) == email.lower()))


def find_active_by_email(email: str) -> User | None:
    user = find_by_email(email)
    return user if user is not None and user.is_active else None


def available_username(base: str) -> str:
    """`base`, or `base_2`, `base_3`, ... : the first that is neither taken (ignoring case) nor reserved."""
    candidate, suffix = base, 1
    while candidate.lower() in RESERVED_USERNAMES or username_taken(candidate):
        suffix += 1
        candidate = f"{base}_{suffix}"
    return candidate
