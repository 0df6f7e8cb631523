"""Password rules (API.md 7.4, 23) and hashing."""

from __future__ import annotations

import gzip
import re
from difflib import SequenceMatcher
from functools import lru_cache
from importlib import resources

from flask import current_app
from werkzeug.security import check_password_hash, generate_password_hash

from moviesx.models.accounts import PASSWORD_MAX
from moviesx.schemas.fields import max_length_message

MIN_LENGTH = 10
SIMILARITY = 0.7
DEFAULT_METHOD = "scrypt"
# A real hash of a random password: unknown usernames cost the same work as known ones.
_DUMMY_PASSWORD = "not-a-real-password-8f3a"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    data = resources.files("moviesx").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(line.strip().lower() for line in gzip.decompress(data).decode().splitlines() if line.strip())


def _too_similar(password: str, attribute: str | None) -> bool:
    if not attribute:
        return False
    value = attribute.lower()
    candidates = [value, *[part for part in re.split(r"\W+", value) if part]]
    lowered = password.lower()
    return any(SequenceMatcher(None, lowered, part).quick_ratio() >= SIMILARITY for part in candidates)


def password_problems(password: str, *, username: str | None = None, email: str | None = None) -> list[str]:
    """Every failing rule, in the contract's order (English message ids).

    The length cap comes first and alone: the similarity rules cost time in proportion to the length,
    so a longer password is refused before any of them runs (API.md 23).
    """
    if len(password) > PASSWORD_MAX:
        return [max_length_message(PASSWORD_MAX, len(password))]
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append("This password is too short. It must contain at least 10 characters.")
    if password.lower() in common_passwords():
        problems.append("This password is too common.")
    if password.isdigit():
        problems.append("This password is entirely numeric.")
    if _too_similar(password, username):
        problems.append("The password is too similar to the username.")
    elif _too_similar(password, email):
        problems.append("The password is too similar to the email address.")
    return problems


def hash_password(password: str) -> str:
    return generate_password_hash(password, method=current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_METHOD))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Constant work whether or not there is a usable hash; nothing over the length cap is hashed, so a
    password set before the cap existed no longer logs in (its owner resets it, API.md 23)."""
    if len(password) > PASSWORD_MAX:
        return False
    if not password_hash:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(password_hash, password)


def _dummy_hash() -> str:
    cache = current_app.extensions.setdefault("moviesx_dummy_hash", {})
    method = current_app.config.get("PASSWORD_HASH_METHOD", DEFAULT_METHOD)
    if method not in cache:
        cache[method] = generate_password_hash(_DUMMY_PASSWORD, method=method)
    return cache[method]
