"""calendar conformance: several RRULEs, RDATE, SEQUENCE, import digests, override properties

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 01:30:00
"""
from alembic import op
import sqlalchemy as sa
import core.models.base


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('event_import_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=500), nullable=False),
    sa.Column('start_at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('end_at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('all_day', sa.Boolean(), nullable=False),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.Column('attendees', sa.JSON(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('recurrence', sa.Text(), nullable=True),
    sa.Column('rdates', sa.JSON(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_event_import_rows_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_import_rows'))
    )
    op.create_index(op.f('ix_event_import_rows_import_id'), 'event_import_rows', ['import_id'], unique=False)
    op.create_table('event_import_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.String(length=36), nullable=False),
    sa.Column('uid', sa.String(length=255), nullable=False),
    sa.Column('occurrence_start', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('cancelled', sa.Boolean(), nullable=False),
    sa.Column('new_start', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('new_end', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('title', sa.String(length=500), nullable=True),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('all_day', sa.Boolean(), nullable=True),
    sa.Column('this_and_future', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_event_import_changes'))
    )
    op.create_index(op.f('ix_event_import_changes_import_id'), 'event_import_changes', ['import_id'], unique=False)
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
    op.drop_index(op.f('ix_event_import_changes_import_id'), table_name='event_import_changes')
    op.drop_table('event_import_changes')
    op.drop_index(op.f('ix_event_import_rows_import_id'), table_name='event_import_rows')
    op.drop_table('event_import_rows')
    with op.batch_alter_table('event_exceptions') as batch:
        for name in ('this_and_future', 'all_day', 'notes', 'location', 'title'):
            batch.drop_column(name)
    with op.batch_alter_table('events') as batch:
        for name in ('source_hash', 'sequence', 'rdates'):
            batch.drop_column(name)
        batch.alter_column('recurrence', type_=sa.String(length=500), existing_type=sa.Text())
