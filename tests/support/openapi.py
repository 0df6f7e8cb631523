"""The OpenAPI document as the reference tests read it: a validated `spec` fixture and operation lookups."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from openapi_spec_validator import validate

METHODS = ("get", "post", "put", "patch", "delete")
# Operations open to anonymous callers (API.md 5.1): no security requirement; every other one needs the bearer token.
PUBLIC = {
    "POST /api/auth/login/",
    "POST /api/auth/refresh/",
    "POST /api/auth/logout/",
    "POST /api/auth/signup/",
    "GET /api/auth/forgot-password/",
    "POST /api/auth/forgot-password/",
    "POST /api/oauth/google/",
}


@pytest.fixture
def spec(client) -> dict:
    """/api/schema/, checked to be a valid OpenAPI document."""
    document = client.get("/api/schema/").get_json()
    validate(document)
    return document


def operations(spec: dict) -> Iterator[tuple[str, dict]]:
    """("METHOD /path/", operation) for every operation of the document."""
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in METHODS:
                yield f"{method.upper()} {path}", operation


def operation(spec: dict, name: str) -> dict:
    """The operation named "METHOD /path/"."""
    method, path = name.split(" ")
    return spec["paths"][path][method.lower()]
