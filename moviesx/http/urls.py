"""Absolute URLs built from the request (API.md 1.4); ProxyFix applies TRUST_PROXY before this."""

from __future__ import annotations

from urllib.parse import quote

from flask import request


def absolute(path: str) -> str:
    return request.host_url.rstrip("/") + path


def user_url(username: str) -> str:
    return absolute(f"/api/users/{username}/")


def movie_url(slug: str) -> str:
    return absolute(f"/api/movies/{slug}/")


def person_url(slug: str) -> str:
    return absolute(f"/api/persons/{quote(slug)}/")


def award_url(slug: str) -> str:
    return absolute(f"/api/awards/{quote(slug)}/")


def comment_url(review_id: int, comment_id: int) -> str:
    return absolute(f"/api/reviews/{review_id}/comments/{comment_id}/")


def media_url(stored_path: str | None) -> str | None:
    return absolute(f"/media/{quote(stored_path)}") if stored_path else None


def list_url(owner_username: str, slug: str) -> str:
    return absolute(f"/api/movies-lists/{owner_username}/{quote(slug)}/")
