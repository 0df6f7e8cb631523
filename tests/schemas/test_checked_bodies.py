"""The signup and profile bodies load without a query; their account rules run in the service (API.md 5.1)."""

from __future__ import annotations

from moviesx.schemas.accounts.profile import ProfileUpdateSchema
from moviesx.schemas.accounts.registration import CheckedBody, SignupSchema


def test_signup_body_loads_without_a_query(app, count_queries):
    body = {"username": "ana", "email": "ana@example.com", "first_name": "Ana", "last_name": "García"}
    body |= {"password": "correct-horse-battery", "confirm_password": "something else"}
    with app.test_request_context(method="POST", json=body), count_queries() as counter:
        loaded = SignupSchema().load(body)
    assert counter.count == 0
    assert isinstance(loaded, CheckedBody)
    assert loaded.errors == {}  # identity and matching passwords are the service's rules
    assert loaded.values == body | {"picture": None}


def test_profile_body_loads_slugs_as_strings_without_a_query(app, count_queries):
    body = {"first_name": "x" * 151, "platforms": ["netflix", "netflix", "mubi"], "following_persons": ["nobody"]}
    with app.test_request_context(method="PUT", json=body), count_queries() as counter:
        loaded = ProfileUpdateSchema().load(body)
    assert counter.count == 0
    assert loaded.values == {"platforms": ["netflix", "mubi"], "following_persons": ["nobody"], "picture": None}
    assert list(loaded.errors) == ["first_name"]
    assert loaded.order[:3] == ("username", "first_name", "last_name")
