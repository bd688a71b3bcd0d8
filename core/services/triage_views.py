"""What triage shows: one item per conversation (its latest message), grouped by category.

A thread is judged by its last message: once the person answered, their reply is the latest
and the thread leaves "needs reply"; when they wrote last and asked something, it waits on
others. `TriageItem` carries the fields of `MailView` (`mail list --json`) plus the triage.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.models import Connection
from core.models.mail import CATEGORIES, MailMessage
from core.sanitize import printable

ANGLE = re.compile(r"<([^<>\s]+@[^<>\s]+)>")
GROUPS = {
    "needs_reply": "Needs reply",
    "waiting": "Waiting on others",
    "fyi": "FYI",
    "newsletter": "Newsletters",
    "receipt": "Receipts",
    "notification": "Notifications",
    "cold_outreach": "Cold outreach",
}


def address_of(text: str) -> str:
    """The bare lower-case address in "Name <addr@host>" or "addr@host"."""
    found = ANGLE.search(text)
    return (found.group(1) if found else text).strip().strip("<>").lower()


def name_of(text: str) -> str:
    """The display name in "Name <addr@host>", else the address."""
    name = ANGLE.sub("", text).strip().strip('"').strip()
    return name or address_of(text)


@dataclass(frozen=True)
class TriageItem:
    id: int
    account: str
    thread: str
    from_name: str
    from_email: str
    to: list[str]
    subject: str
    date: datetime | None
    snippet: str
    unread: bool
    category: str | None
    labels: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    category_source: str | None = None
    category_reason: str | None = None
    summary: str = ""

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["date"] = self.date.isoformat() if self.date else None
        return data

    @property
    def counterpart(self) -> str:
        """Who the conversation is with: the sender, or for the person's own mail the first
        recipient."""
        if self.category == "waiting" and self.to:
            return name_of(self.to[0])
        return self.from_name or self.from_email


def item(row: MailMessage, account: str) -> TriageItem:
    return TriageItem(
        id=row.id, account=account, thread=row.thread_key, from_name=row.sender_name,
        from_email=row.sender_email, to=list(row.to), subject=row.subject, date=row.sent_at,
        snippet=row.snippet, unread=row.unread, category=row.category,
        labels=list(row.labels), attachments=list(row.attachments),
        category_source=row.category_source, category_reason=row.category_reason,
        summary=printable(row.summary or row.subject or row.snippet, one_line=True),
    )


def latest_per_thread(session: Session, user_id: int, waiting_since: datetime) -> list[TriageItem]:
    """The triaged conversations to show, newest first: the latest message of each thread
    when it is in the inbox, or the person's own when it waits on others."""
    rank = func.row_number().over(
        partition_by=(MailMessage.connection_id, MailMessage.thread_key),
        order_by=(MailMessage.sent_at.desc().nulls_last(), MailMessage.id.desc()),
    ).label("rank")
    ranked = select(MailMessage.id, rank).where(MailMessage.user_id == user_id).subquery()
    waiting = (MailMessage.from_me & (MailMessage.category == "waiting")
               & (MailMessage.sent_at >= waiting_since))
    query = (
        select(MailMessage, Connection.account_email, Connection.account_id)
        .join(ranked, ranked.c.id == MailMessage.id)
        .join(Connection, Connection.id == MailMessage.connection_id)
        .where(ranked.c.rank == 1, MailMessage.category.is_not(None),
               or_(MailMessage.in_inbox & ~MailMessage.from_me, waiting))
        .order_by(MailMessage.sent_at.desc().nulls_last(), MailMessage.id.desc())
    )
    return [item(row, email or account) for row, email, account in session.execute(query)]


def grouped(items: list[TriageItem]) -> dict[str, list[TriageItem]]:
    """Every category, in the order people act on them (empty lists included)."""
    groups: dict[str, list[TriageItem]] = {name: [] for name in CATEGORIES}
    for entry in items:
        groups.setdefault(entry.category or "fyi", []).append(entry)
    return groups
