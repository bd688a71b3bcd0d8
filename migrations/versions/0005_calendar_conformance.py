"""calendar conformance: several RRULEs, RDATE, SEQUENCE, import digests, override properties

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('events') as batch:
        batch.alter_column('recurrence', type_=sa.Text(), existing_type=sa.String(length=500))
        batch.add_column(sa.Column('rdates', sa.JSON(), nullable=False, server_default='[]'))
        batch.add_column(sa.Column('sequence', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('source_hash', sa.String(length=64), nullable=True))
    with op.batch_alter_table('event_exceptions') as batch:
        batch.add_column(sa.Column('title', sa.String(length=500), nullable=True))
        batch.add_column(sa.Column('location', sa.String(length=500), nullable=True))
        batch.add_column(sa.Column('notes', sa.Text(), nullable=True))
        batch.add_column(sa.Column('all_day', sa.Boolean(), nullable=True))
        batch.add_column(
            sa.Column('this_and_future', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('event_exceptions') as batch:
        for name in ('this_and_future', 'all_day', 'notes', 'location', 'title'):
            batch.drop_column(name)
    with op.batch_alter_table('events') as batch:
        for name in ('source_hash', 'sequence', 'rdates'):
            batch.drop_column(name)
        batch.alter_column('recurrence', type_=sa.String(length=500), existing_type=sa.Text())
