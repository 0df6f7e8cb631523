"""Tables whose rows cached bodies show declare the per-row tokens their writes replace (moviesx.models.feed), and
the session listeners replace them after the commit: by row for the ORM and for bulk statements that name their
rows, the catalogue token (every body) for a bulk statement that does not."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, update

from moviesx.extensions import cache, db
from moviesx.models import MovieList, MovieListItem, OwnedToken, User, cache_tokens_of, user_following_persons, user_platforms
from moviesx.models.feed import LIST, PROFILE
from moviesx.services.feed.invalidation import TOKEN_ROWS_OPTION
from moviesx.services.feed.tokens import CATALOG_TOKEN_KEY, owned_token_key
from tests.factories import MovieFactory, UserFactory
from tests.support.lists import make_list


@pytest.mark.parametrize("table", sorted(db.metadata.tables))
def test_every_declared_token_names_a_column(table):
    columns = set(db.metadata.tables[table].columns.keys())
    assert {token.column for token in cache_tokens_of(db.metadata.tables[table])} <= columns


def test_the_declarations():
    assert cache_tokens_of(User.__table__) == (OwnedToken(PROFILE, "id"),)
    assert cache_tokens_of(user_platforms) == (OwnedToken(PROFILE, "user_id"),)
    assert cache_tokens_of(user_following_persons) == (OwnedToken(PROFILE, "user_id"),)
    assert cache_tokens_of(MovieList.__table__) == (OwnedToken(LIST, "id"),)
    assert cache_tokens_of(MovieListItem.__table__) == (OwnedToken(LIST, "movie_list_id"),)
    with pytest.raises(ValueError):
        OwnedToken("feed", "id")


def tokens(*keys: str) -> list:
    return [cache.get(key) for key in keys]


def test_orm_writes_replace_the_rows_tokens_only(app):
    owner, other = UserFactory(), UserFactory()
    movie_list, other_list = make_list(owner, movies=[MovieFactory()]), make_list(other)
    keys = (
        CATALOG_TOKEN_KEY,
        owned_token_key(PROFILE, owner.id),
        owned_token_key(PROFILE, other.id),
        owned_token_key(LIST, movie_list.id),
        owned_token_key(LIST, other_list.id),
    )
    for key in keys:
        cache.set(key, "before", timeout=0)
    movie_list.items[0].position = 7
    db.session.commit()
    assert tokens(*keys) == ["before", "before", "before", tokens(keys[3])[0], "before"] and tokens(keys[3]) != ["before"]
    owner.first_name = "New"
    db.session.commit()
    assert tokens(keys[1]) != ["before"] and tokens(keys[0], keys[2], keys[4]) == ["before"] * 3


def test_bulk_statements_replace_the_named_rows_or_every_body(app):
    owner = UserFactory()
    movie_list = make_list(owner, movies=[MovieFactory()])
    list_key = owned_token_key(LIST, movie_list.id)
    for key in (CATALOG_TOKEN_KEY, list_key):
        cache.set(key, "before", timeout=0)
    items = update(MovieListItem).where(MovieListItem.movie_list_id == movie_list.id).values(position=3)
    db.session.execute(items.execution_options(**{TOKEN_ROWS_OPTION: {LIST: (movie_list.id,)}}))
    db.session.commit()
    assert cache.get(CATALOG_TOKEN_KEY) == "before" and cache.get(list_key) != "before"
    db.session.execute(delete(user_following_persons).where(user_following_persons.c.user_id == owner.id))
    db.session.commit()
    assert cache.get(CATALOG_TOKEN_KEY) != "before"  # rows not named: every cached body


def test_a_row_expired_by_a_commit_still_names_its_token(app):
    owner = UserFactory()
    movie_list = make_list(owner)  # committed: its attributes are expired
    cache.set(CATALOG_TOKEN_KEY, "before", timeout=0)
    db.session.delete(movie_list)
    db.session.commit()
    assert cache.get(CATALOG_TOKEN_KEY) == "before"  # the list's own token, not every body
    assert cache.get(owned_token_key(LIST, movie_list.id)) is not None
