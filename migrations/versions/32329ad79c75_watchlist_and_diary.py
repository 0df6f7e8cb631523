"""watchlist and diary (API.md 14, 15): watchlist_entries and watches

Revision ID: 32329ad79c75
Revises: 5af7e09f5f69
Create Date: 2026-12-05 17:09:52.902591

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '32329ad79c75'
down_revision = '5af7e09f5f69'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('watches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('movie_id', sa.Integer(), nullable=False),
    sa.Column('watched_on', sa.Date(), nullable=False),
    sa.Column('rating', sa.SmallInteger(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('rating BETWEEN 1 AND 5', name=op.f('ck_watches_range')),
    sa.ForeignKeyConstraint(['movie_id'], ['movies.id'], name=op.f('fk_watches_movie_id_movies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_watches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watches'))
    )
    with op.batch_alter_table('watches', schema=None) as batch_op:
        batch_op.create_index('ix_watches_movie_id', ['movie_id'], unique=False)
        batch_op.create_index('ix_watches_user_created_id', ['user_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_watches_user_movie_watched_on_id', ['user_id', 'movie_id', 'watched_on', 'id'], unique=False)
        batch_op.create_index('ix_watches_user_watched_on_id', ['user_id', 'watched_on', 'id'], unique=False)

    op.create_table('watchlist_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('movie_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['movie_id'], ['movies.id'], name=op.f('fk_watchlist_entries_movie_id_movies'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_watchlist_entries_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_watchlist_entries')),
    sa.UniqueConstraint('user_id', 'movie_id', name=op.f('uq_watchlist_entries_user_movie'))
    )
    with op.batch_alter_table('watchlist_entries', schema=None) as batch_op:
        batch_op.create_index('ix_watchlist_entries_movie_id', ['movie_id'], unique=False)
        batch_op.create_index('ix_watchlist_entries_user_created_id', ['user_id', 'created_at', 'id'], unique=False)
        batch_op.create_index('ix_watchlist_entries_user_id_id', ['user_id', 'id'], unique=False)



def downgrade():
    with op.batch_alter_table('watchlist_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_watchlist_entries_user_id_id')
        batch_op.drop_index('ix_watchlist_entries_user_created_id')
        batch_op.drop_index('ix_watchlist_entries_movie_id')

    op.drop_table('watchlist_entries')
    with op.batch_alter_table('watches', schema=None) as batch_op:
        batch_op.drop_index('ix_watches_user_watched_on_id')
        batch_op.drop_index('ix_watches_user_movie_watched_on_id')
        batch_op.drop_index('ix_watches_user_created_id')
        batch_op.drop_index('ix_watches_movie_id')

    op.drop_table('watches')
