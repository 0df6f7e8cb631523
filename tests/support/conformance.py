"""Response conformance: every answer the test client receives from a documented operation must have a status that
/api/schema/ documents for it and a body that the documented schema accepts (issue: the API documents itself).

The whole suite's real requests are the sample: `BufferedClient` calls `check` after each response.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from jsonschema.exceptions import best_match
from openapi_schema_validator import OAS30Validator
from werkzeug.exceptions import HTTPException

# On for the whole suite (every blueprint documents its answers); MOVIESX_TESTS_CONFORMANCE=0 turns it off.
CHECK_CONFORMANCE = os.environ.get("MOVIESX_TESTS_CONFORMANCE", "1") != "0"
# Statuses any route may give whatever it documents (API.md 1.1, 1.2, 1.4, 21), and paths outside the document.
ANY_ROUTE_STATUSES = {405, 413, 500, 503}
UNDOCUMENTED_PREFIXES = ("/media/", "/api/docs", "/api/schema", "/healthz", "/readyz", "/metrics")
_CONVERTER = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")


class NonConformingResponse(AssertionError):
    pass


@dataclass
class Conformance:
    """The document of one app, with a compiled validator per (path, method, status)."""

    app: Flask
    spec: dict[str, Any] = field(init=False)
    _validators: dict[tuple[str, str, str], OAS30Validator | None] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        self.spec = self.app.extensions["flask-smorest"]["apis"][""]["ext_obj"].spec.to_dict()

    def operation(self, method: str, path: str) -> tuple[str, dict] | None:
        """(OpenAPI path, operation) of the route that answers `method path`, or None when it is not documented."""
        if path == "/" or path.startswith(UNDOCUMENTED_PREFIXES):
            return None
        adapter = self.app.url_map.bind("localhost")
        try:
            rule, _ = adapter.match(path, method=method, return_rule=True)
        except HTTPException:
            return None
        template = _CONVERTER.sub(r"{\1}", rule.rule)
        operation = self.spec["paths"].get(template, {}).get(method.lower())
        return (template, operation) if operation is not None else None

    def check(self, method: str, path: str, status: int, body: Any, content_type: str) -> None:
        if method in ("HEAD", "OPTIONS"):
            return
        found = self.operation(method, path)
        if found is None:
            return
        template, operation = found
        responses = operation.get("responses", {})
        response = responses.get(str(status)) or responses.get("default")
        if response is None:
            if status in ANY_ROUTE_STATUSES:
                return
            raise NonConformingResponse(
                f"{method} {template} answered {status}, which it does not document ({sorted(responses)}): {body!r}"[:2000]
            )
        response = self._resolve(response)
        if not response.get("content"):
            if status != 204 and body not in (None, b"", ""):
                raise NonConformingResponse(f"{method} {template} {status} documents no body but sent {body!r}"[:2000])
            return
        validator = self._validator(template, method, str(status), response)
        if validator is None:
            return
        if not content_type.startswith("application/json"):
            raise NonConformingResponse(f"{method} {template} {status} is documented as JSON, sent {content_type}")
        error = best_match(validator.iter_errors(body))
        if error is not None:
            location = "/".join(str(part) for part in error.absolute_path) or "(body)"
            raise NonConformingResponse(f"{method} {template} {status}: {location}: {error.message}\nbody: {body!r}"[:3000])

    def _resolve(self, node: dict) -> dict:
        while "$ref" in node:
            kind, name = node["$ref"].split("/")[-2:]
            node = self.spec["components"][kind][name]
        return node

    def _validator(self, template: str, method: str, status: str, response: dict) -> OAS30Validator | None:
        key = (template, method, status)
        if key not in self._validators:
            schema = (response.get("content", {}).get("application/json") or {}).get("schema")
            if schema is None:
                self._validators[key] = None
            else:
                document = {**schema, "components": self.spec.get("components", {})}
                self._validators[key] = OAS30Validator(document)
        return self._validators[key]


def conformance_of(app: Flask) -> Conformance:
    checker = app.extensions.get("tests_conformance")
    if checker is None:
        checker = app.extensions["tests_conformance"] = Conformance(app)
    return checker
