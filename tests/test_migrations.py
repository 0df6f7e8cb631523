"""Alembic migrations upgrade from empty, match the models, and downgrade to empty, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from moviesx.extensions import db


@pytest.fixture
def empty_database(request, tmp_path, database_url):
    if database_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'migrations.db'}"
        return
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("CREATE SCHEMA IF NOT EXISTS migration_test"))
        connection.execute(text("DROP SCHEMA migration_test CASCADE"))
        connection.execute(text("CREATE SCHEMA migration_test"))
    engine.dispose()
    yield database_url + ("&" if "?" in database_url else "?") + "options=-csearch_path%3Dmigration_test"
    engine = create_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA IF EXISTS migration_test CASCADE"))
    engine.dispose()


def _ignored(diff) -> bool:
    # Expression indexes (lower(username)) are written by hand in the migration; autogenerate cannot see them.
    return diff[0] in ("add_index", "remove_index") and diff[1].name in ("uq_users_username_lower", "uq_users_email_lower")


def test_upgrade_matches_models_and_downgrade_empties(tmp_path, empty_database):
    from moviesx import create_app

    app = create_app(
        {
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SQLALCHEMY_DATABASE_URI": empty_database,
            "SECRET_KEY": "x" * 40,
            "MOVIESX_ENV": "testing",
        }
    )
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            diffs = compare_metadata(MigrationContext.configure(connection), db.metadata)
        assert [diff for diff in diffs if not _ignored(diff)] == []
        tables = set(inspect(db.engine).get_table_names())
        assert {"users", "movies", "ratings", "movie_lists"} <= tables
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
