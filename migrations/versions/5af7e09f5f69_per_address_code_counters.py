"""per-address code counters (API.md 23): codes issued to, and failures for, an email address

Revision ID: 5af7e09f5f69
Revises: e3ad45184f48
Create Date: 2026-12-05 14:57:14.008150

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5af7e09f5f69'
down_revision = 'e3ad45184f48'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('address_code_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('address_hash', sa.String(length=64), nullable=False),
    sa.Column('purpose', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_address_code_events_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_address_code_events'))
    )
    with op.batch_alter_table('address_code_events', schema=None) as batch_op:
        batch_op.create_index('ix_address_code_events_address_kind_at', ['address_hash', 'kind', 'created_at'], unique=False)
        batch_op.create_index('ix_address_code_events_user_kind_at', ['user_id', 'kind', 'created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('address_code_events', schema=None) as batch_op:
        batch_op.drop_index('ix_address_code_events_user_kind_at')
        batch_op.drop_index('ix_address_code_events_address_kind_at')

    op.drop_table('address_code_events')
