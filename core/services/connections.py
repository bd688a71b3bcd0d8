"""Accounts linked at providers: linking one (with its secret, in one transaction), listing
them with their calendars and pending writes, and finding one of a user's connections."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import NotFound
from core.models import CalendarWrite, Connection, LinkedCalendar
from core.services.credentials import Credentials
from core.services.views import _Json

PROVIDERS = ("google", "microsoft", "caldav", "imap")


@dataclass(frozen=True)
class Link:
    """What a finished sign-in (or a CalDAV login) learned about an account."""

    provider: str
    account_id: str
    account_email: str | None
    scopes: list[str]
    secret_kind: str  # oauth | password
    secret: dict[str, Any]  # never logged, never shown: it goes straight into the vault
    expires_at: datetime | None = None
    server_url: str | None = None
    username: str | None = None
    smtp_url: str | None = None  # IMAP accounts: where their mail is sent
    mail: bool | None = None  # True: sync this account's mail; None: leave as it was


@dataclass(frozen=True)
class ConnectionView(_Json):
    id: int
    provider: str
    account: str
    status: str
    calendars: list[str] = field(default_factory=list)
    last_sync: datetime | None = None
    last_error: str | None = None
    pending_writes: int = 0
    mail: bool = False


class ConnectionService:
    def __init__(self, db: Database, credentials: Credentials) -> None:
        self.db = db
        self.credentials = credentials

    def link(self, user_id: int, link: Link) -> int:
        """Create the connection, or refresh the one already linked to this account (same
        user, provider and account): its secret, scopes and status. Returns its id."""
        with self.db.transaction() as session:
            row = session.scalars(
                select(Connection).where(
                    Connection.user_id == user_id,
                    Connection.provider == link.provider,
                    Connection.account_id == link.account_id,
                )
            ).first()
            if row is None:
                row = Connection(
                    user_id=user_id, provider=link.provider, account_id=link.account_id
                )
                session.add(row)
            row.account_email, row.scopes = link.account_email, sorted(set(link.scopes))
            row.server_url, row.username = link.server_url, link.username
            row.smtp_url = link.smtp_url or row.smtp_url
            if link.mail is not None:
                row.mail_enabled = link.mail
            row.status, row.last_error, row.reauth_notified_at = "active", None, None
            session.flush()
            self.credentials.store(session, row.id, link.secret_kind, link.secret, link.expires_at)
            return row.id

    def list(self, user_id: int) -> list[ConnectionView]:
        with self.db.transaction() as session:
            rows = session.scalars(
                select(Connection).where(Connection.user_id == user_id).order_by(Connection.id)
            ).all()
            return [_view(session, row) for row in rows]

    def remove(self, user_id: int, connection_id: int) -> None:
        """Delete the connection; its credentials, calendars, mirrored events and pending
        writes go with it (foreign keys cascade)."""
        with self.db.transaction() as session:
            session.delete(owned(session, user_id, connection_id))


def owned(session: Session, user_id: int, connection_id: int) -> Connection:
    row = session.get(Connection, connection_id)
    if row is None or row.user_id != user_id:
        raise NotFound(f"No connection #{connection_id}. See `aurelius connections`.")
    return row


def _view(session: Session, row: Connection) -> ConnectionView:
    names = session.scalars(
        select(LinkedCalendar.name)
        .where(LinkedCalendar.connection_id == row.id)
        .order_by(LinkedCalendar.id)
    ).all()
    pending = session.scalar(
        select(func.count(CalendarWrite.id))
        .join(LinkedCalendar, LinkedCalendar.id == CalendarWrite.calendar_id)
        .where(LinkedCalendar.connection_id == row.id)
    )
    return ConnectionView(
        id=row.id,
        provider=row.provider,
        account=row.account_email or row.account_id,
        status=row.status,
        calendars=list(names),
        last_sync=row.last_sync_at,
        last_error=row.last_error,
        pending_writes=int(pending or 0),
        mail=row.mail_enabled,
    )
