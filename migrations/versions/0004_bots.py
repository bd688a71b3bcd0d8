"""bots: link codes and handled inbound updates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 22:40:00
"""
from alembic import op
import sqlalchemy as sa
import core.models.base


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('link_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('expires_at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('used_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_link_codes_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_link_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_link_codes_code'))
    )
    with op.batch_alter_table('link_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_link_codes_user_id'), ['user_id'], unique=False)

    op.create_table('inbound_updates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_updates')),
    sa.UniqueConstraint('source', 'key', name=op.f('uq_inbound_updates_source_key'))
    )
    with op.batch_alter_table('inbound_updates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_updates_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('inbound_updates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_updates_created_at'))
    op.drop_table('inbound_updates')
    with op.batch_alter_table('link_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_link_codes_user_id'))
    op.drop_table('link_codes')
