"""services.catalog: the checks and writes shared by the staff API and the importer."""

from __future__ import annotations

from datetime import date

import pytest

from moviesx import models
from moviesx.extensions import db
from moviesx.services import catalog
from tests.factories import GenreFactory, MovieFactory, PersonFactory
from tests.support.catalog import soft_delete


@pytest.fixture
def movies_kind(app):
    return catalog.KINDS["movies"]


def test_derived_slug_is_cut_to_the_column_length(app):
    kind = catalog.KINDS["genres"]
    assert catalog.target_slug(kind, None, {"name": "A" * 31 + " b c"}) == "a" * 31
    assert catalog.target_slug(kind, None, {"name": "Ciencia Ficción"}) == "ciencia-ficcion"


def test_check_reports_every_rule(movies_kind):
    MovieFactory(slug="taken")
    gone = GenreFactory(slug="gone")
    soft_delete(gone)
    messages, unknown = catalog.check(
        movies_kind, None, {"title": "Taken", "genres": ["gone"], "actors": [], "directors": ["nobody"]}
    )
    assert messages == {
        "slug": "Movie with this slug already exists.",
        "genres": "Object with slug 'gone' does not exist.",
        "directors": "Object with slug 'nobody' does not exist.",
    }
    assert unknown == {"genres": "gone", "directors": "nobody"}
    # A soft-deleted row keeps its slug; an update of the row itself does not clash with it.
    movie = models.Movie.query.filter_by(slug="taken").one()
    assert catalog.check(movies_kind, movie, {"slug": "taken"}) == ({}, {})


def test_apply_is_a_no_op_when_nothing_changes(movies_kind):
    PersonFactory(slug="ann"), PersonFactory(slug="bob")
    drama, comedy = GenreFactory(slug="drama"), GenreFactory(slug="comedy")
    data = {
        "title": "T",
        "synopsis": "S",
        "release_date": date(2020, 1, 1),
        "genres": ["comedy", "drama"],
        "actors": ["bob", "ann"],
        "translations": {"es": {"title": "T es"}},
    }
    outcome = catalog.apply(movies_kind, None, data, {})
    db.session.commit()
    assert (outcome.created, outcome.changed) == (True, True)
    movie = outcome.obj
    assert [p.slug for p in movie.actors] == ["bob", "ann"]

    same_set_other_order = {**data, "genres": ["drama", "comedy"]}
    assert catalog.apply(movies_kind, movie, same_set_other_order, {}).changed is False
    reordered = catalog.apply(movies_kind, movie, {"actors": ["ann", "bob"]}, {})
    db.session.commit()
    assert reordered.changed is True
    assert [p.slug for p in db.session.get(models.Movie, movie.id).actors] == ["ann", "bob"]
    assert {g.id for g in movie.genres} == {drama.id, comedy.id}


def test_restore_through_apply(movies_kind):
    movie = MovieFactory(slug="back")
    soft_delete(movie)
    found = catalog.find_by_slug(movies_kind, "back", include_deleted=True)
    outcome = catalog.apply(movies_kind, found, {}, {})
    db.session.commit()
    assert outcome.changed is True and db.session.get(models.Movie, movie.id).deleted_at is None
