"""Array caps of PUT /api/users/ (API.md 23) and engine logs without bound values."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from moviesx.extensions import db
from moviesx.models import User
from tests.factories import PersonFactory, PlatformFactory, UserFactory

TOO_MANY_PLATFORMS = {"platforms": ["Ensure this field has no more than 100 elements."]}
TOO_MANY_PERSONS = {"following_persons": ["Ensure this field has no more than 1000 elements."]}


@pytest.fixture
def me(app):
    user = UserFactory(username="me")
    user.platforms = [PlatformFactory(slug="kept")]
    db.session.commit()
    return user


def platform_slugs(user: User) -> list[str]:
    db.session.expire_all()
    return [platform.slug for platform in db.session.get(User, user.id).platforms]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"platforms": [f"p{i}" for i in range(101)]}, TOO_MANY_PLATFORMS),
        ({"platforms": ["same"] * 101}, TOO_MANY_PLATFORMS),
        ({"platforms": [f"p{i}" for i in range(65_536)]}, TOO_MANY_PLATFORMS),
        ({"following_persons": [f"p{i}" for i in range(1001)]}, TOO_MANY_PERSONS),
        ({"following_persons": [f"p{i}" for i in range(65_536)]}, TOO_MANY_PERSONS),
        ({"platforms": [1] * 101, "following_persons": ["x"] * 1001}, {**TOO_MANY_PLATFORMS, **TOO_MANY_PERSONS}),
    ],
)
def test_oversized_arrays_are_refused_before_the_slugs(as_user, me, body, expected):
    response = as_user(me).put("/api/users/", json=body)

    assert (response.status_code, response.get_json()) == (400, expected)
    assert platform_slugs(me) == ["kept"]


def test_the_cap_applies_to_multipart_bodies(as_user, me):
    response = as_user(me).put("/api/users/", data={"platforms": json.dumps(["x"] * 101)}, content_type="multipart/form-data")

    assert (response.status_code, response.get_json()) == (400, TOO_MANY_PLATFORMS)


def test_arrays_at_the_cap_reach_the_slug_checks(as_user, me):
    at_cap = {"platforms": [f"p{i}" for i in range(100)], "following_persons": [f"q{i}" for i in range(1000)]}

    response = as_user(me).put("/api/users/", json=at_cap)

    assert (response.status_code, response.get_json()) == (
        400,
        {
            "platforms": ["Object with slug 'p0' does not exist."],
            "following_persons": ["Object with slug 'q0' does not exist."],
        },
    )


def test_arrays_at_the_cap_are_stored(as_user, me):
    platforms = [PlatformFactory(slug=f"p{i:03}").slug for i in range(100)]
    persons = [PersonFactory(slug=f"q{i:04}").slug for i in range(1000)]

    response = as_user(me).put("/api/users/", json={"platforms": platforms, "following_persons": persons})

    assert response.status_code == 200
    assert len(response.get_json()["platforms"]) == 100
    assert len(response.get_json()["following_persons"]) == 1000


def test_engine_errors_do_not_carry_bound_values(app):
    """A failing statement's message (what the error log prints) names no parameter value."""
    secret = "bound-value-" * 1000

    with pytest.raises(DBAPIError) as failure:
        db.session.execute(text("SELECT * FROM no_such_table WHERE name = :name"), {"name": secret})
    db.session.rollback()

    assert db.engine.hide_parameters is True
    assert "bound-value-" not in str(failure.value)
    assert "SQL parameters hidden" in str(failure.value)
