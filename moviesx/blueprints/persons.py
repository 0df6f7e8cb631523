"""Persons: actors and directors."""

from __future__ import annotations

from flask_smorest import Blueprint

from moviesx.http.auth import VERIFIED, authenticated
from moviesx.http.lookup import get_or_404
from moviesx.http.pagination import cursor_envelope, page_envelope
from moviesx.http.params import arg_str
from moviesx.models import Person
from moviesx.schemas.base import cursor_of, page_of
from moviesx.schemas.catalog import MovieSchema, PersonSchema, person_load_options
from moviesx.services.movie_search import by_name, credit_order, credited_movies, name_order, persons

PERSON_PAGE = page_of(PersonSchema)
PERSON_CURSOR = cursor_of(PersonSchema)
MOVIE_CURSOR = cursor_of(MovieSchema)

blp = Blueprint("persons", __name__, url_prefix="/api/persons", description="Persons: actors and directors")


def _dump_persons(rows) -> list:
    return PersonSchema(many=True).dump(rows)


@blp.route("/searching/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=PERSON_PAGE)
def person_search():
    """PP of persons whose name contains `search_query`, by name then id."""
    return page_envelope(by_name(persons(search=arg_str("search_query", ""))), _dump_persons)


@blp.route("/actors/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=PERSON_PAGE)
def actor_list():
    """PP of actors whose name contains `name`, by name then id."""
    return page_envelope(by_name(persons(role="actors", search=arg_str("name", ""))), _dump_persons)


@blp.route("/directors/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=PERSON_PAGE)
def director_list():
    """PP of directors whose name contains `name`, by name then id."""
    return page_envelope(by_name(persons(role="directors", search=arg_str("name", ""))), _dump_persons)


@blp.route("/actors/searching/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=PERSON_CURSOR)
def actor_search():
    """CP of actors whose name or slug contains `search_query`, by name then id."""
    stmt = persons(role="actors", search=arg_str("search_query", ""), in_slug=True)
    return cursor_envelope(stmt, _dump_persons, order=name_order())


@blp.route("/directors/searching/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=PERSON_CURSOR)
def director_search():
    """CP of directors whose name or slug contains `search_query`, by name then id."""
    stmt = persons(role="directors", search=arg_str("search_query", ""), in_slug=True)
    return cursor_envelope(stmt, _dump_persons, order=name_order())


@blp.route("/<slug:slug>/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200, PersonSchema)
def person_detail(slug: str):
    return get_or_404(Person, Person.slug, slug, options=person_load_options())


@blp.route("/<slug:slug>/acted-movies/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=MOVIE_CURSOR)
def acted_movies(slug: str):
    """CP of the live movies the person acted in: release date, title, id, all descending."""
    person = get_or_404(Person, Person.slug, slug)
    return cursor_envelope(credited_movies(person, as_director=False), MovieSchema(many=True).dump, order=credit_order())


@blp.route("/<slug:slug>/directed-movies/", methods=["GET"])
@authenticated(VERIFIED)
@blp.response(200)
@blp.alt_response(200, schema=MOVIE_CURSOR)
def directed_movies(slug: str):
    """CP of the live movies the person directed: release date, title, id, all descending."""
    person = get_or_404(Person, Person.slug, slug)
    return cursor_envelope(credited_movies(person, as_director=True), MovieSchema(many=True).dump, order=credit_order())
