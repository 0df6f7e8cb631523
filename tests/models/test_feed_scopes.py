"""Every table declares which feeds its writes change (moviesx.models.feed), so none skips feed invalidation unseen;
the session listeners that read these declarations are installed by the app factory, once per process."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import Column, Integer, MetaData, Table, insert

from moviesx.extensions import db
from moviesx.models import FeedReach, FeedScope, Friendship, Rating, User, feed_scope_of, user_platforms


@pytest.mark.parametrize("table", sorted(db.metadata.tables))
def test_every_table_declares_its_feed_scope(table):
    scope = feed_scope_of(db.metadata.tables[table])
    assert isinstance(scope, FeedScope), f"{table} declares no feed_scope (see moviesx/models/feed.py)"
    columns = set(db.metadata.tables[table].columns.keys())
    assert set(scope.owners) <= columns
    assert set(scope.friends_when_changed) <= columns


def test_the_per_user_declarations_name_their_owners():
    assert Rating.feed_scope == FeedScope(FeedReach.FRIENDS_OF_OWNER, ("user_id",))
    assert Friendship.feed_scope == FeedScope(FeedReach.OWNER, ("user_id", "friend_id"))
    assert User.feed_scope == FeedScope(FeedReach.OWNER, ("id",), ("is_active",))
    assert feed_scope_of(user_platforms) == FeedScope(FeedReach.OWNER, ("user_id",))


@pytest.mark.parametrize(
    "arguments",
    [(FeedReach.OWNER,), (FeedReach.EVERYONE, ("user_id",)), (FeedReach.FRIENDS_OF_OWNER, ("id",), ("is_active",))],
)
def test_an_inconsistent_declaration_is_refused(arguments):
    with pytest.raises(ValueError):
        FeedScope(*arguments)


def test_a_bulk_write_to_an_undeclared_table_is_refused(app):
    scratch = Table("feed_scope_scratch", MetaData(), Column("id", Integer, primary_key=True))
    scratch.create(db.session.connection())
    with pytest.raises(LookupError, match="feed_scope_scratch"):
        db.session.execute(insert(scratch).values(id=1))
    db.session.rollback()


def test_the_listeners_are_installed_by_the_app_factory_once_per_process(tmp_path):
    script = textwrap.dedent(
        f"""
        from sqlalchemy.orm import Session

        from moviesx.services.feed import invalidation

        def installed():
            return list(Session().dispatch.after_flush).count(invalidation._record_flushed_changes)

        print(installed())
        from moviesx import create_app

        for n in range(2):
            create_app({{
                "SQLALCHEMY_DATABASE_URI": "sqlite:///{tmp_path}/app.db",
                "SECRET_KEY": "x" * 32,
                "MOVIESX_ENV": "testing",
                "INSTANCE_PATH": "{tmp_path}/instance",
                "MEDIA_ROOT": "{tmp_path}/media",
            }})
            print(installed())
        """
    )
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.split() == ["0", "1", "1"]
