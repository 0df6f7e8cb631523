"""users: ids are never reused (API.md 18): AUTOINCREMENT on SQLite

PostgreSQL's sequence never hands an id out twice; SQLite's rowid reuses the highest id once its row is deleted,
so that a deleted user's tokens would name the next new user. AUTOINCREMENT needs the table rebuilt. With foreign
keys enforced, dropping the old table would cascade into every table that references it, so enforcement is turned
off for the rebuild (PRAGMA foreign_keys only takes effect outside a transaction: Alembic runs each SQLite migration
in its own, begun lazily) and every reference is checked afterwards. The rebuild cannot reflect the expression
indexes (lower(username), lower(email)), so they are dropped before and created again after it.

Revision ID: b7c3d9e2f41a
Revises: 32329ad79c75
Create Date: 2026-12-05 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7c3d9e2f41a'
down_revision = '32329ad79c75'
branch_labels = None
depends_on = None


def _rebuild_users(autoincrement: bool) -> None:
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        return
    bind.exec_driver_sql("PRAGMA foreign_keys=OFF")
    if bind.exec_driver_sql("PRAGMA foreign_keys").scalar():
        raise RuntimeError("users cannot be rebuilt inside a transaction with foreign keys enforced")
    op.drop_index("uq_users_email_lower", table_name="users")
    op.drop_index("uq_users_username_lower", table_name="users")
    with op.batch_alter_table("users", recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}):
        pass
    op.create_index("uq_users_username_lower", "users", [sa.text("lower(username)")], unique=True)
    op.create_index("uq_users_email_lower", "users", [sa.text("lower(email)")], unique=True)
    problems = bind.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"foreign keys broken by the users rebuild: {problems[:5]}")
    bind.exec_driver_sql("PRAGMA foreign_keys=ON")


def upgrade():
    _rebuild_users(True)


def downgrade():
    _rebuild_users(False)
