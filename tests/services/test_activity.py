"""The activity services (API.md 16): kind declarations, ids and cursors, and when a rating's time moves."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from moviesx.extensions import db
from moviesx.http.errors import APIError
from moviesx.models import Rating
from moviesx.schemas.activity import ACTIVITY_KINDS
from moviesx.services.accounts.caller import CallerFacts
from moviesx.services.activity.cursor import Position, activity_id, decode, encode
from moviesx.services.activity.kinds import KEY_COUNTS, KINDS, chosen
from moviesx.services.catalog.movie_keys import MovieKey
from moviesx.services.social.ratings import change_rating, rate
from tests.factories import MovieFactory, UserFactory


def test_every_documented_kind_has_one_declaration_ranked_by_code_point():
    assert sorted(KINDS) == sorted(ACTIVITY_KINDS)
    assert [kind.rank for kind in KINDS.values()] == list(range(len(KINDS)))
    assert list(KINDS) == sorted(KINDS)


def test_unknown_kinds_are_ignored_and_none_known_means_all():
    assert [kind.name for kind in chosen(["watched", "nope", "rated"])] == ["rated", "watched"]
    assert [kind.name for kind in chosen(["nope"])] == list(KINDS)
    assert [kind.name for kind in chosen([])] == list(KINDS)


def test_id_code_point_order_is_kind_rank_then_numbers():
    """The database orders by (rank, numbers); clients compare ids by code point: both orders must agree."""
    keys = [("rated", (9,)), ("rated", (10,)), ("rated", (123456789012,)), ("reviewed", (1,)), ("watched", (5,))]
    keys += [("watchlisted", (2,)), ("listed", (100,)), ("friended", (10, 2)), ("friended", (9, 30)), ("friended", (9, 4))]
    by_code_point = sorted(keys, key=lambda key: activity_id(*key))
    by_rank = sorted(keys, key=lambda key: (KINDS[key[0]].rank, key[1]))
    assert by_code_point == by_rank


def test_cursor_round_trip():
    position = Position(datetime(2026, 4, 16, 10, 20, 30, 123456), "friended", (12, 345))
    cursor = encode(position)
    assert cursor.isascii() and len(cursor) <= 200
    assert decode(cursor, KEY_COUNTS) == position
    with pytest.raises(APIError):
        decode(cursor[:-3], KEY_COUNTS)


def test_rated_at_moves_only_when_the_value_changes(app, clock):
    user, movie = UserFactory(), MovieFactory()
    created = clock.now.replace(tzinfo=None)
    caller, key = CallerFacts.of(user), MovieKey(movie.id, movie.slug)
    rate(user, movie, 3)

    def row() -> Rating:
        return db.session.scalars(select(Rating).execution_options(populate_existing=True)).one()

    clock.advance(seconds=5)
    assert change_rating(caller, key, 3).rating == 3
    assert (row().rated_at, row().updated_at) == (created, clock.now.replace(tzinfo=None))

    clock.advance(seconds=5)
    assert change_rating(caller, key, 4).rating == 4
    assert row().rated_at == row().updated_at == clock.now.replace(tzinfo=None)
