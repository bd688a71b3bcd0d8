"""Fakes at the mail ports (MailSource + MailSender, the store's read side) and the rows a
synced account would have, for the drafting and sending tests."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import select, update

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import Services, build_services
from aurelius.settings import Settings
from core.errors import AureliusError, NotFound
from core.models import Connection, MailMessage
from core.ports import MailBatch, OutgoingMail
from core.services.mail_drafts import MailDrafts
from tests.conftest import ZONE
from tests.stubs.anthropic import AnthropicStub

ME = "me@example.com"


class FakeMailbox:
    """One account: drafts it was given, mail it sent, messages archived; `fail` raises once."""

    def __init__(self) -> None:
        self.drafts: dict[str, OutgoingMail] = {}
        self.sent: list[tuple[OutgoingMail, str | None]] = []
        self.archived: list[str] = []
        self.fail: AureliusError | None = None

    def changes(self, cursor: str | None, since: datetime | None = None) -> MailBatch:
        return MailBatch(cursor=cursor)

    def set_unread(self, remote_id: str, unread: bool) -> None:
        pass

    def archive(self, remote_id: str) -> None:
        self.archived.append(remote_id)

    def attachment(self, remote_id: str, name: str) -> bytes:
        return b""

    def save_draft(self, mail: OutgoingMail, replaces: str | None = None) -> str:
        self._maybe_fail()
        remote = replaces or f"Drafts/1/{len(self.drafts) + 1}"
        self.drafts[remote] = mail
        return remote

    def send(self, mail: OutgoingMail, draft_id: str | None = None) -> str:
        self._maybe_fail()
        self.sent.append((mail, draft_id))
        return f"<sent-{len(self.sent)}@example.com>"

    def _maybe_fail(self) -> None:
        if self.fail is not None:
            error, self.fail = self.fail, None
            raise error


@dataclass
class MailRow:
    """What the store lists (the fields of `MailView`)."""

    id: int
    from_name: str
    from_email: str
    subject: str
    snippet: str
    date: datetime | None
    category: str | None
    account: str = ME
    to: list[str] = field(default_factory=list)
    unread: bool = True
    labels: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)
    thread: str = ""
    body: str | None = None


class FakeFinder:
    """The store's read side over the real rows: every word of the query must match."""

    def __init__(self, services: Services) -> None:
        self.services = services
        self.queries: list[str] = []

    def search(self, user_id: int, query: str, limit: int = 50) -> list[MailRow]:
        self.queries.append(query)
        words = [w.removeprefix("from:").lower() for w in query.split()]
        return [r for r in self._rows(user_id) if all(w in _text(r) for w in words)][:limit]

    def list(self, user_id: int, *, needs_reply: bool = False, unread: bool = False,
             account: str | None = None, limit: int = 50) -> list[MailRow]:
        rows = self._rows(user_id)
        return [r for r in rows if not needs_reply or r.category == "needs_reply"][:limit]

    def show(self, user_id: int, message_id: int) -> MailRow:
        found = [r for r in self._rows(user_id, inbox_only=False) if r.id == message_id]
        if not found:
            raise NotFound(f"No message #{message_id}.")
        return found[0]

    def archive(self, user_id: int, message_id: int) -> None:
        self.show(user_id, message_id)
        with self.services.db.transaction() as session:
            session.execute(update(MailMessage).where(MailMessage.id == message_id)
                            .values(in_inbox=False))

    def _rows(self, user_id: int, inbox_only: bool = True) -> list[MailRow]:
        query = select(MailMessage).where(MailMessage.user_id == user_id)
        if inbox_only:
            query = query.where(MailMessage.in_inbox.is_(True))
        with self.services.db.transaction() as session:
            return [MailRow(m.id, m.sender_name, m.sender_email, m.subject, m.snippet,
                            m.sent_at, m.category, to=list(m.to), body=m.body_text)
                    for m in session.scalars(query.order_by(MailMessage.id))]


def _text(row: MailRow) -> str:
    return f"{row.from_name} {row.from_email} {row.subject} {row.snippet}".lower()


def with_mailbox(services: Services, box: FakeMailbox) -> Services:
    """The services' drafts (and the assistant's mail tools) on the fake account."""
    services.drafts = MailDrafts(services.db, services.clock, services.ai.gateway,
                                 lambda c: box, lambda c: box)
    services.mail = FakeFinder(services)  # type: ignore[attr-defined]
    return services


def mail_account(services: Services, user_id: int, email: str = ME) -> int:
    with services.db.transaction() as session:
        row = Connection(user_id=user_id, provider="imap", account_id=f"{email}@imap",
                         account_email=email, server_url="imaps://imap.example.com:993",
                         mail_enabled=True, scopes=[])
        session.add(row)
        session.flush()
        return row.id


def add_message(services: Services, user_id: int, connection_id: int, **values: Any) -> int:
    """A synced message; the defaults are Anna asking about the contract."""
    fields: dict[str, Any] = dict(
        remote_id=f"INBOX/1/{values.get('message_id', 'x')}", folder="INBOX",
        thread_key="<root@example.com>", message_id="<m1@example.com>",
        references=["<root@example.com>"], sender_name="Anna Berg",
        sender_email="anna@example.org", to=[ME], cc=[], subject="Contract",
        sent_at=services.clock.now(), snippet="Here is the contract",
        body_text="Here is the contract.\nCan you sign by Friday?", category="needs_reply")
    fields.update(values)
    with services.db.transaction() as session:
        row = MailMessage(user_id=user_id, connection_id=connection_id, **fields)
        session.add(row)
        session.flush()
        return row.id


@pytest.fixture
def box() -> FakeMailbox:
    return FakeMailbox()


@pytest.fixture
def stub() -> Iterator[AnthropicStub]:
    server = AnthropicStub().start()
    yield server
    server.stop()


@pytest.fixture
def online(database_url: str, clock: FixedClock, stub: AnthropicStub,
           box: FakeMailbox) -> Iterator[Services]:
    """Services with the Anthropic stand-in as the model and the fake account for mail."""
    settings = Settings(database_url=database_url, timezone=ZONE, ai_retries=0,
                        anthropic_api_key="sk-ant-test", anthropic_base_url=stub.url)
    built = with_mailbox(build_services(settings, clock=clock), box)
    yield built
    built.close()
