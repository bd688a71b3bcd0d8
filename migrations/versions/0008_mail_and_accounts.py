"""mail messages, sender rules, drafts; users gain email and role; api tokens

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 06:44:07
"""
from alembic import op
import sqlalchemy as sa
import core.models.base


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_tokens',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('scopes', sa.JSON(), nullable=False),
    sa.Column('expires_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('last_used_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('revoked_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_api_tokens_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash'))
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)

    op.create_table('mail_sender_rules',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('sender', sa.String(length=320), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_sender_rules_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_sender_rules')),
    sa.UniqueConstraint('user_id', 'sender', name=op.f('uq_mail_sender_rules_user_id_sender'))
    )
    with op.batch_alter_table('mail_sender_rules', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_sender_rules_user_id'), ['user_id'], unique=False)

    op.create_table('mail_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('remote_id', sa.String(length=1000), nullable=False),
    sa.Column('folder', sa.String(length=500), nullable=False),
    sa.Column('thread_key', sa.String(length=1000), nullable=False),
    sa.Column('message_id', sa.String(length=1000), nullable=True),
    sa.Column('in_reply_to', sa.String(length=1000), nullable=True),
    sa.Column('references', sa.JSON(), nullable=False),
    sa.Column('sender_name', sa.String(length=500), nullable=False),
    sa.Column('sender_email', sa.String(length=320), nullable=False),
    sa.Column('to', sa.JSON(), nullable=False),
    sa.Column('cc', sa.JSON(), nullable=False),
    sa.Column('reply_to', sa.String(length=1000), nullable=True),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('sent_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('snippet', sa.Text(), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=True),
    sa.Column('labels', sa.JSON(), nullable=False),
    sa.Column('unread', sa.Boolean(), nullable=False),
    sa.Column('in_inbox', sa.Boolean(), nullable=False),
    sa.Column('from_me', sa.Boolean(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('attachments', sa.JSON(), nullable=False),
    sa.Column('list_unsubscribe', sa.Text(), nullable=True),
    sa.Column('headers', sa.JSON(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=True),
    sa.Column('category_source', sa.String(length=20), nullable=True),
    sa.Column('category_reason', sa.String(length=500), nullable=True),
    sa.Column('summary', sa.String(length=500), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', core.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_mail_messages_connection_id_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_messages_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_messages')),
    sa.UniqueConstraint('connection_id', 'remote_id', name=op.f('uq_mail_messages_connection_id_remote_id'))
    )
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_messages_category'), ['category'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_messages_connection_id'), ['connection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_messages_message_id'), ['message_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_messages_sender_email'), ['sender_email'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_messages_user_id'), ['user_id'], unique=False)
        batch_op.create_index('ix_mail_messages_user_sent', ['user_id', 'sent_at'], unique=False)
        batch_op.create_index('ix_mail_messages_user_thread', ['user_id', 'thread_key'], unique=False)

    op.create_table('mail_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('connection_id', sa.Integer(), nullable=False),
    sa.Column('reply_to_id', sa.Integer(), nullable=True),
    sa.Column('remote_draft_id', sa.String(length=1000), nullable=True),
    sa.Column('to', sa.JSON(), nullable=False),
    sa.Column('cc', sa.JSON(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('body_text', sa.Text(), nullable=False),
    sa.Column('in_reply_to', sa.String(length=1000), nullable=True),
    sa.Column('references', sa.JSON(), nullable=False),
    sa.Column('thread_id', sa.String(length=1000), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('sent_message_id', sa.String(length=1000), nullable=True),
    sa.Column('sent_at', core.models.base.UTCDateTime(), nullable=True),
    sa.Column('created_at', core.models.base.UTCDateTime(), nullable=False),
    sa.Column('updated_at', core.models.base.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['connection_id'], ['connections.id'], name=op.f('fk_mail_drafts_connection_id_connections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reply_to_id'], ['mail_messages.id'], name=op.f('fk_mail_drafts_reply_to_id_mail_messages'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_drafts_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_drafts'))
    )
    with op.batch_alter_table('mail_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mail_drafts_connection_id'), ['connection_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mail_drafts_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('smtp_url', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('mail_enabled', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('mail_cursor', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('mail_synced_at', core.models.base.UTCDateTime(), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column('email_verified', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('role', sa.String(length=10), nullable=False, server_default='member'))
        batch_op.add_column(sa.Column('disabled_at', core.models.base.UTCDateTime(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_users_email'), ['email'])



def downgrade() -> None:
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))

    op.drop_table('api_tokens')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_users_email'), type_='unique')
        batch_op.drop_column('disabled_at')
        batch_op.drop_column('role')
        batch_op.drop_column('email_verified')
        batch_op.drop_column('email')

    with op.batch_alter_table('connections', schema=None) as batch_op:
        batch_op.drop_column('mail_synced_at')
        batch_op.drop_column('mail_cursor')
        batch_op.drop_column('mail_enabled')
        batch_op.drop_column('smtp_url')

    with op.batch_alter_table('mail_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_drafts_user_id'))
        batch_op.drop_index(batch_op.f('ix_mail_drafts_connection_id'))

    op.drop_table('mail_drafts')
    with op.batch_alter_table('mail_messages', schema=None) as batch_op:
        batch_op.drop_index('ix_mail_messages_user_thread')
        batch_op.drop_index('ix_mail_messages_user_sent')
        batch_op.drop_index(batch_op.f('ix_mail_messages_user_id'))
        batch_op.drop_index(batch_op.f('ix_mail_messages_sender_email'))
        batch_op.drop_index(batch_op.f('ix_mail_messages_message_id'))
        batch_op.drop_index(batch_op.f('ix_mail_messages_connection_id'))
        batch_op.drop_index(batch_op.f('ix_mail_messages_category'))

    op.drop_table('mail_messages')
    with op.batch_alter_table('mail_sender_rules', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mail_sender_rules_user_id'))

    op.drop_table('mail_sender_rules')
