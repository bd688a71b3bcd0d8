"""oauth states: sign-in attempts in flight, each usable once

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 04:15:00
"""
from alembic import op
import sqlalchemy as sa
import core.models.base


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('oauth_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('flow', sa.String(length=20), nullable=False),
    sa.Column('redirect_uri', sa.String(length=1000), nullable=False),
    sa.Column('reply_to', sa.String(length=600), nullable=True),
    sa.Column('sealed_verifier', sa.LargeBinary(), nullable=True),
    sa.Column('expires_at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('used_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_oauth_states_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_oauth_states')),
    sa.UniqueConstraint('nonce', name=op.f('uq_oauth_states_nonce'))
    )
    with op.batch_alter_table('oauth_states', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_oauth_states_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_oauth_states_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('oauth_states', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_oauth_states_user_id'))
        batch_op.drop_index(batch_op.f('ix_oauth_states_expires_at'))
    op.drop_table('oauth_states')
