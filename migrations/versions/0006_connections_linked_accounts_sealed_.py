"""connections: linked accounts, sealed credentials, calendars, outbox

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 04:00:18.779922
"""
from alembic import op
import sqlalchemy as sa
import core.models.base


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('connections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=20), nullable=False),
    sa.Column('account_id', sa.String(length=320), nullable=False),
    sa.Column('account_email', sa.String(length=320), nullable=True),
    sa.Column('server_url', sa.String(length=1000), nullable=True),
    sa.Column('username', sa.String(length=320), nullable=True),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('last_sync_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('reauth_notified_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', core.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_connections_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_connections')),
    sa.UniqueConstraint('user_id', 'provider', 'account_id', name=op.f('uq_connections_user_id_provider_account_id'))
    )
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_connections_user_id'), ['user_id'], unique=False)

    op.create_table('calendars',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('remote_id', sa.String(length=1000), nullable=False),
    sa.Column('name', sa.String(length=500), nullable=False),
    sa.Column('colour', sa.String(length=32), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=True),
    sa.Column('writable', sa.Boolean(), nullable=False),
    sa.Column('primary', sa.Boolean(), nullable=False),
    sa.Column('sync_cursor', sa.Text(), nullable=True),
    sa.Column('last_sync_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_calendars_connection_id_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendars_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendars')),
    sa.UniqueConstraint('connection_id', 'remote_id', name=op.f('uq_calendars_connection_id_remote_id'))
    )
    with op.batch_alter_table('calendars', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendars_connection_id'), ['connection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendars_user_id'), ['user_id'], unique=False)

    op.create_table('credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('key_id', sa.String(length=64), nullable=False),
    sa.Column('sealed', sa.LargeBinary(), nullable=False),
    sa.Column('expires_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('updated_at', core.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_credentials_connection_id_connections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credentials')),
    sa.UniqueConstraint('connection_id', 'kind', name=op.f('uq_credentials_connection_id_kind'))
    )
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credentials_connection_id'), ['connection_id'], unique=False)

    op.create_table('calendar_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('calendar_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('ical_uid', sa.String(length=255), nullable=False),
    sa.Column('remote_id', sa.String(length=1000), nullable=True),
    sa.Column('etag', sa.String(length=255), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['calendar_id'], ['calendars.id'], name=op.f('fk_calendar_outbox_calendar_id_calendars'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['event_id'], ['events.id'], name=op.f('fk_calendar_outbox_event_id_events'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_calendar_outbox_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_calendar_outbox')),
    sa.UniqueConstraint('calendar_id', 'ical_uid', name=op.f('uq_calendar_outbox_calendar_id_ical_uid'))
    )
    with op.batch_alter_table('calendar_outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_outbox_calendar_id'), ['calendar_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_calendar_outbox_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('calendar_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('remote_id', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('etag', sa.String(length=255), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_events_user_id_uid'), type_='unique')
        batch_op.create_index(batch_op.f('ix_events_calendar_id'), ['calendar_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_events_calendar_id_remote_id'), ['calendar_id', 'remote_id'])
        batch_op.create_unique_constraint(batch_op.f('uq_events_calendar_id_uid'), ['calendar_id', 'uid'])
        batch_op.create_index('uq_events_local_uid', ['user_id', 'uid'], unique=True, sqlite_where=sa.text('calendar_id IS NULL'), postgresql_where=sa.text('calendar_id IS NULL'))
        batch_op.create_foreign_key(batch_op.f('fk_events_calendar_id_calendars'), 'calendars', ['calendar_id'], ['id'], ondelete='CASCADE')



def downgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_events_calendar_id_calendars'), type_='foreignkey')
        batch_op.drop_index('uq_events_local_uid', sqlite_where=sa.text('calendar_id IS NULL'), postgresql_where=sa.text('calendar_id IS NULL'))
        batch_op.drop_constraint(batch_op.f('uq_events_calendar_id_uid'), type_='unique')
        batch_op.drop_constraint(batch_op.f('uq_events_calendar_id_remote_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_events_calendar_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_events_user_id_uid'), ['user_id', 'uid'])
        batch_op.drop_column('etag')
        batch_op.drop_column('remote_id')
        batch_op.drop_column('calendar_id')

    with op.batch_alter_table('calendar_outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_outbox_user_id'))
        batch_op.drop_index(batch_op.f('ix_calendar_outbox_calendar_id'))

    op.drop_table('calendar_outbox')
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credentials_connection_id'))

    op.drop_table('credentials')
    with op.batch_alter_table('calendars', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendars_user_id'))
        batch_op.drop_index(batch_op.f('ix_calendars_connection_id'))

    op.drop_table('calendars')
    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_connections_user_id'))

    op.drop_table('connections')
