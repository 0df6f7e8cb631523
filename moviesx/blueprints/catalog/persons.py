"""Persons: actors and directors (API.md 5.6)."""

from __future__ import annotations

from moviesx.http.auth import VERIFIED, authenticated
from moviesx.http.blueprint import Blueprint, resolves
from moviesx.http.conditional import Representation
from moviesx.http.lookup import get_or_404
from moviesx.http.pagination import cursor, page
from moviesx.models import Person
from moviesx.schemas.catalog.items import (
    MovieCursorSchema,
    PersonCursorSchema,
    PersonNameArgs,
    PersonPageSchema,
    PersonSchema,
    PersonSearchArgs,
    PersonSlugSearchArgs,
)
from moviesx.services.catalog import representations
from moviesx.services.catalog.movie_search import by_name, credit_order, credited_movies, name_order, persons

blp = Blueprint(
    "persons",
    __name__,
    url_prefix="/api/persons",
    title="Persons",
    description="Actors and directors. An actor (director) is a person credited as actor (director) on at least "
    "one live movie. Names sort by code point.",
)


def person_by_slug(slug: str) -> Person:
    return get_or_404(Person, Person.slug, slug)


@blp.route("/searching/", methods=["GET"])
@authenticated(VERIFIED)
@blp.arguments(PersonSearchArgs, location="query")
@blp.response(200, PersonPageSchema)
@page()
def person_search(args):
    """Search persons by name

    Any verified user. A page of persons whose name contains `search_query` (ignoring case), by name, then id.
    """
    return by_name(persons(search=args["search_query"]))


@blp.route("/actors/", methods=["GET"])
@authenticated(VERIFIED)
@blp.arguments(PersonNameArgs, location="query")
@blp.response(200, PersonPageSchema)
@page()
def actor_list(args):
    """List actors

    Any verified user. A page of actors whose name contains `name` (ignoring case), by name, then id.
    """
    return by_name(persons(role="actors", search=args["name"]))


@blp.route("/directors/", methods=["GET"])
@authenticated(VERIFIED)
@blp.arguments(PersonNameArgs, location="query")
@blp.response(200, PersonPageSchema)
@page()
def director_list(args):
    """List directors

    Any verified user. A page of directors whose name contains `name` (ignoring case), by name, then id.
    """
    return by_name(persons(role="directors", search=args["name"]))


@blp.route("/actors/searching/", methods=["GET"])
@authenticated(VERIFIED)
@blp.arguments(PersonSlugSearchArgs, location="query")
@blp.response(200, PersonCursorSchema)
@cursor(order=name_order)
def actor_search(args):
    """Search actors by name or slug

    Any verified user. A cursor page of actors whose name or slug contains `search_query` (ignoring case),
    by name ascending, then id ascending.
    """
    return persons(role="actors", search=args["search_query"], in_slug=True)


@blp.route("/directors/searching/", methods=["GET"])
@authenticated(VERIFIED)
@blp.arguments(PersonSlugSearchArgs, location="query")
@blp.response(200, PersonCursorSchema)
@cursor(order=name_order)
def director_search(args):
    """Search directors by name or slug

    Any verified user. A cursor page of directors whose name or slug contains `search_query` (ignoring case),
    by name ascending, then id ascending.
    """
    return persons(role="directors", search=args["search_query"], in_slug=True)


@blp.route("/<slug:slug>/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(person=representations.person)
@blp.conditional_response(PersonSchema)
def person_detail(person: Representation):
    """Get a person

    Any verified user. The person with its awards; a soft-deleted person is the generic 404. The answer carries an
    `ETag` for `If-None-Match` (304 while the person is unchanged).
    """
    return person


@blp.route("/<slug:slug>/acted-movies/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(person=person_by_slug)
@blp.response(200, MovieCursorSchema)
@cursor(order=credit_order)
def acted_movies(person: Person):
    """Movies a person acted in

    Any verified user. A cursor page of the live movies the person acted in, by release date, base title
    and id, all descending.
    """
    return credited_movies(person, as_director=False)


@blp.route("/<slug:slug>/directed-movies/", methods=["GET"])
@authenticated(VERIFIED)
@resolves(person=person_by_slug)
@blp.response(200, MovieCursorSchema)
@cursor(order=credit_order)
def directed_movies(person: Person):
    """Movies a person directed

    Any verified user. A cursor page of the live movies the person directed, by release date, base title
    and id, all descending.
    """
    return credited_movies(person, as_director=True)
