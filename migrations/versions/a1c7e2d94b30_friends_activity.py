"""friends' activity (API.md 16): ratings.rated_at and the indexes of every activity access path

Revision ID: a1c7e2d94b30
Revises: b7c3d9e2f41a
Create Date: 2026-12-05 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a1c7e2d94b30'
down_revision = 'b7c3d9e2f41a'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rated_at', sa.DateTime(), nullable=True))
    # The last change of an existing rating's value is not recorded: its last write is the closest known time.
    op.execute('UPDATE ratings SET rated_at = updated_at')
    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.alter_column('rated_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.create_index('ix_ratings_rated_at_id', ['rated_at', 'id'], unique=False, postgresql_include=['user_id', 'movie_id', 'rating'])
        batch_op.create_index('ix_ratings_user_rated_at_id', ['user_id', 'rated_at', 'id'], unique=False)

    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.create_index('ix_reviews_created_at_id', ['created_at', 'id'], unique=False, postgresql_include=['user_id', 'movie_id', 'deleted_at'])
        batch_op.create_index('ix_reviews_user_created_at_id', ['user_id', 'created_at', 'id'], unique=False)

    with op.batch_alter_table('movie_lists', schema=None) as batch_op:
        batch_op.create_index('ix_movie_lists_created_at_id', ['created_at', 'id'], unique=False, postgresql_include=['user_id', 'privacity'])
        batch_op.create_index('ix_movie_lists_user_created_at_id', ['user_id', 'created_at', 'id'], unique=False)

    with op.batch_alter_table('friendships', schema=None) as batch_op:
        batch_op.create_index('ix_friendships_created_user_friend', ['created_at', 'user_id', 'friend_id'], unique=False)
        batch_op.create_index('ix_friendships_user_created_friend', ['user_id', 'created_at', 'friend_id'], unique=False)

    with op.batch_alter_table('watches', schema=None) as batch_op:
        batch_op.create_index('ix_watches_created_id', ['created_at', 'id'], unique=False, postgresql_include=['user_id', 'movie_id', 'rating'])

    with op.batch_alter_table('watchlist_entries', schema=None) as batch_op:
        batch_op.create_index('ix_watchlist_entries_created_id', ['created_at', 'id'], unique=False, postgresql_include=['user_id', 'movie_id'])


def downgrade():
    with op.batch_alter_table('watchlist_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_watchlist_entries_created_id')

    with op.batch_alter_table('watches', schema=None) as batch_op:
        batch_op.drop_index('ix_watches_created_id')

    with op.batch_alter_table('friendships', schema=None) as batch_op:
        batch_op.drop_index('ix_friendships_user_created_friend')
        batch_op.drop_index('ix_friendships_created_user_friend')

    with op.batch_alter_table('movie_lists', schema=None) as batch_op:
        batch_op.drop_index('ix_movie_lists_user_created_at_id')
        batch_op.drop_index('ix_movie_lists_created_at_id')

    with op.batch_alter_table('reviews', schema=None) as batch_op:
        batch_op.drop_index('ix_reviews_user_created_at_id')
        batch_op.drop_index('ix_reviews_created_at_id')

    with op.batch_alter_table('ratings', schema=None) as batch_op:
        batch_op.drop_index('ix_ratings_user_rated_at_id')
        batch_op.drop_index('ix_ratings_rated_at_id')
        batch_op.drop_column('rated_at')
