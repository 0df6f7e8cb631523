"""The project Blueprint: views declare their inputs, outputs and path objects (STYLE.md, API.md 1.7).

A converted view reads, top to bottom, in the contract's order of checks:

    @blp.route("/<movie_slug:slug>/ratings/", methods=["PUT"])
    @authenticated(VERIFIED)                     # 3-4: auth ladder, rate limit
    @resolves(movie=movie_by_slug)               # 5-6: path objects (generic 404), permission
    @blp.arguments(RatingInputSchema)            # 7-8: body parsing, field validation (400)
    @blp.response(200, RatingSchema)
    def change_rating(data, movie):              # 9: business rules, in a service
        return ratings.change_rating(current_user(), movie, data["rating"])
"""

from __future__ import annotations

import http
import inspect
import json
from collections.abc import Callable
from copy import deepcopy
from functools import cache, wraps
from typing import Any

import flask_smorest
from marshmallow import Schema, fields

from moviesx.http.conditional import CONDITIONAL_HEADERS, IF_NONE_MATCH, conditional
from moviesx.http.parser import parser
from moviesx.schemas.fields import StrList

FORM_BODY_TYPES = ("application/json", "application/x-www-form-urlencoded", "multipart/form-data")


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with the contract's parser and error responses.

    `@blp.arguments(S)` reads a JSON body; `location="form"` a form-capable body (documented with its three
    content types); `location="query"` query parameters. Parsed values come first in the view's arguments.
    """

    ARGUMENTS_PARSER = parser

    def __init__(self, *args, title: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = title or self.name.replace("_", " ").capitalize()  # the tag readers see in Swagger UI
        self._prepare_doc_cbks.insert(1, self._prepare_errors_doc)

    def route(self, rule, *, parameters=None, tags=None, **options) -> Callable:
        """Operations are tagged with the blueprint's title, not its identifier."""
        return super().route(rule, parameters=parameters, tags=tags or [self.title], **options)

    def arguments(self, schema, *, location: str = "json", **kwargs) -> Callable:
        decorator = super().arguments(schema, location=location, **kwargs)

        def apply(view: Callable) -> Callable:
            wrapper = decorator(view)
            docs = wrapper._apidoc["arguments"]
            if all(parameter["in"] == "query" for parameter in docs["parameters"]):
                docs["responses"].pop(parser.DEFAULT_VALIDATION_STATUS, None)  # query parameters never fail (API.md 1.3)
            if location == "form":
                form = form_variant(schema)
                content = {content_type: {"schema": form} for content_type in FORM_BODY_TYPES[1:]}
                body = {"content": {FORM_BODY_TYPES[0]: {"schema": schema}, **content}}
                wrapper = self.doc(requestBody=body)(wrapper)
            return wrapper

        return apply

    def conditional_response(self, schema) -> Callable:
        """`@blp.response(200, schema)` for a view that returns a serialised `Representation`: the 200 carries its
        ETag, and a request whose If-None-Match lists that tag gets a 304 (API.md 20)."""

        def decorator(view: Callable) -> Callable:
            wrapper = self.response(200, schema, headers=CONDITIONAL_HEADERS)(conditional(view))
            wrapper = self.alt_response(304, response="NOT_MODIFIED", success=True)(wrapper)
            return self.doc(parameters=[IF_NONE_MATCH])(wrapper)

        return decorator

    @staticmethod
    def _prepare_errors_doc(doc: dict, doc_info: dict, **kwargs) -> dict:
        """Attach the errors every operation of its class may return (API.md 1.7), unless the view documents its own."""
        errors = dict(doc_info.get("errors", {}))
        if doc_info.get("manual_doc", {}).get("security"):
            errors.update({401: "UNAUTHORIZED", 429: "TOO_MANY_REQUESTS"})
        if _takes_a_body(doc_info):
            errors[413] = http.HTTPStatus.REQUEST_ENTITY_TOO_LARGE.name  # a body over 10 MiB, before any other check
        responses = doc_info.setdefault("response", {}).setdefault("responses", {})
        for status, name in errors.items():
            responses.setdefault(status, [name])
        return doc

    def _document_pagination_metadata(self, spec, resp_doc) -> None:
        """The envelope is the body (moviesx.http.pagination); there is no pagination header."""


@cache
def form_variant(schema: type[Schema] | Schema) -> type[Schema]:
    """The schema as a form sends it: an array field is one text field holding the JSON array (API.md 5.1, 8)."""
    base = schema if isinstance(schema, type) else type(schema)
    arrays = {name: field for name, field in base._declared_fields.items() if isinstance(field, (fields.List, StrList))}
    if not arrays:
        return base
    as_text = {name: fields.String(data_key=field.data_key, metadata=_as_text(field.metadata)) for name, field in arrays.items()}
    return type(f"{base.__name__.removesuffix('Schema')}FormSchema", (base,), as_text)


def _as_text(metadata: dict) -> dict:
    text = {key: value for key, value in metadata.items() if key not in ("maxItems", "example")}
    description = metadata.get("description", "")
    if "one text field" not in description:
        text["description"] = f"{description} In a form: one text field holding the JSON array.".strip()
    if "example" in metadata:
        text["example"] = json.dumps(metadata["example"])
    return text


def _takes_a_body(doc_info: dict) -> bool:
    """Whether the operation documents a request body (declared with `@blp.arguments` or `@blp.doc`)."""
    arguments = doc_info.get("arguments", {})
    return (
        "requestBody" in arguments
        or "requestBody" in doc_info.get("manual_doc", {})
        or any(argument["in"] not in ("query", "path", "header", "cookie") for argument in arguments.get("parameters", []))
    )


def document_errors(view: Callable, errors: dict[int, str]) -> None:
    """Record error responses (`{status: component name}`) that the project Blueprint adds to the document."""
    view._apidoc = deepcopy(getattr(view, "_apidoc", {}))
    view._apidoc.setdefault("errors", {}).update(errors)


@cache
def _parameter_names(func: Callable) -> tuple[str, ...]:
    return tuple(inspect.signature(func).parameters)


def _call_with_named(func: Callable, values: dict[str, Any]) -> Any:
    return func(**{name: values[name] for name in _parameter_names(func)})


def resolves(**resolvers: Callable[..., Any]) -> Callable:
    """Turn path values into objects before the body is parsed (API.md 1.7 steps 5-6).

    Each resolver runs in the order given, called with the path values and earlier objects that its
    parameters name, and raises the contract's 404 (or privacy error) when it misses. The view receives
    every resolved object by its keyword, and the path values no resolver read:

        @resolves(movie_list=visible_list, movie=listed_movie)   # visible_list(username, slug), listed_movie(movie_slug)
        def add_movie(movie_list, movie): ...
    """
    read = {name for resolver in resolvers.values() for name in inspect.signature(resolver).parameters}

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            values = dict(kwargs)
            for name, resolver in resolvers.items():
                values[name] = _call_with_named(resolver, values)
            return view(*args, **{name: value for name, value in values.items() if name not in read or name in resolvers})

        document_errors(wrapper, {404: "NOT_FOUND"})
        return wrapper

    return decorator


def permits(check: Callable[..., None]) -> Callable:
    """Run a permission check (API.md 1.7 step 6) on the resolved objects its parameters name, before the body.

    The check raises the contract's error (e.g. 403); the view documents that status with `@blp.alt_response`.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            _call_with_named(check, kwargs)
            return view(*args, **kwargs)

        return wrapper

    return decorator
