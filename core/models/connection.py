"""Accounts linked at providers (Google, Microsoft, CalDAV), their sealed credentials, the
calendars they carry and the writes waiting to reach them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow

STATUSES = ("active", "needs_reauth", "revoked", "error")


class Connection(Base):
    """One account of one user at one provider."""

    __tablename__ = "connections"
    __table_args__ = (UniqueConstraint("user_id", "provider", "account_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    provider: Mapped[str] = mapped_column(String(20))  # google | microsoft | caldav | imap
    account_id: Mapped[str] = mapped_column(String(320))  # the provider's subject, or user@url
    account_email: Mapped[str | None] = mapped_column(String(320))
    server_url: Mapped[str | None] = mapped_column(String(1000))  # CalDAV, or imaps://host:port
    smtp_url: Mapped[str | None] = mapped_column(String(1000))  # IMAP accounts: smtps:// or smtp://
    username: Mapped[str | None] = mapped_column(String(320))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), default="active")
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(Text)
    # Mail: synced when enabled (Gmail/Graph scopes granted, or an IMAP account).
    mail_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    # Gmail historyId, Graph deltaLink, IMAP per-folder UIDVALIDITY/UIDNEXT/MODSEQ (opaque).
    mail_cursor: Mapped[str | None] = mapped_column(Text)
    mail_synced_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the person was told to reconnect: they are told once per lapse, not every sync.
    reauth_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class Credential(Base):
    """A secret of a connection (OAuth tokens as JSON, or a password), sealed by the vault
    with associated data naming this connection and kind."""

    __tablename__ = "credentials"
    __table_args__ = (UniqueConstraint("connection_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # oauth | password
    key_id: Mapped[str] = mapped_column(String(64))  # the vault key that sealed `sealed`
    sealed: Mapped[bytes] = mapped_column(LargeBinary)
    # When the access token expires (not secret): refresh ahead of it without opening the vault.
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class LinkedCalendar(Base):
    """One calendar of a connection, mirrored into `events` (Event.calendar_id)."""

    __tablename__ = "calendars"
    __table_args__ = (UniqueConstraint("connection_id", "remote_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    remote_id: Mapped[str] = mapped_column(String(1000))
    name: Mapped[str] = mapped_column(String(500))
    colour: Mapped[str | None] = mapped_column(String(32))
    timezone: Mapped[str | None] = mapped_column(String(64))
    writable: Mapped[bool] = mapped_column(Boolean, default=True)
    primary: Mapped[bool] = mapped_column(Boolean, default=False)
    # Google syncToken, Graph deltaLink, CalDAV sync-token (or a ctag); None: sync everything.
    sync_cursor: Mapped[str | None] = mapped_column(Text)
    last_sync_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CalendarWrite(Base):
    """A local change to a linked calendar, written in the same transaction as the change
    and sent by a job (retried until the provider has it). One row per event: a later
    change of the same event replaces the action."""

    __tablename__ = "calendar_outbox"
    __table_args__ = (UniqueConstraint("calendar_id", "ical_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    calendar_id: Mapped[int] = mapped_column(
        ForeignKey("calendars.id", ondelete="CASCADE"), index=True
    )
    # The local event; null once it was deleted locally (the delete still has to go out).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(String(10))  # create | update | delete
    ical_uid: Mapped[str] = mapped_column(String(255))
    remote_id: Mapped[str | None] = mapped_column(String(1000))
    etag: Mapped[str | None] = mapped_column(String(255))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
