"""Mail in a test database: a linked account with mail on, and messages stored as the sync
stores them (`MailMessage` rows), then handed to triage as the sync's `on_new` hook does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import Services, build_services
from aurelius.settings import Settings
from core.models.mail import MailMessage
from core.services.connections import Link
from tests.conftest import NOW, ZONE

ME = "dana@example.org"


@dataclass
class Mailbox:
    """One person's linked mailbox; `add` stores a message and returns its id."""

    services: Services
    user_id: int
    connection_id: int
    added: list[int] = field(default_factory=list)

    def add(self, sender: str, subject: str, body: str, *, thread: str | None = None,
            ago: timedelta = timedelta(hours=1), **extra: Any) -> int:
        name, _, email = sender.rpartition(" <")
        row = MailMessage(
            user_id=self.user_id, connection_id=self.connection_id,
            remote_id=f"INBOX/1/{len(self.added) + 1}", thread_key=thread or f"t{len(self.added)}",
            sender_name=name or email, sender_email=email.rstrip(">") or sender,
            to=extra.pop("to", [ME]), subject=subject, body_text=body, snippet=body[:100],
            sent_at=NOW - ago, **extra,
        )
        with self.services.db.transaction() as session:
            session.add(row)
            session.flush()
            self.added.append(row.id)
            return row.id

    def triage(self, *ids: int) -> None:
        """What the sync does after storing new mail."""
        self.services.triage.triage(self.user_id, list(ids) or self.added)

    def row(self, message_id: int) -> MailMessage:
        with self.services.db.transaction() as session:
            found = session.get(MailMessage, message_id)
            assert found is not None
            session.expunge(found)
            return found


def link_mail(services: Services, user_id: int) -> int:
    link = Link(provider="imap", account_id=f"{ME}@imaps://mail.example.org",
                account_email=ME, scopes=[], secret_kind="password",
                secret={"password": "not-used"}, server_url="imaps://mail.example.org:993",
                username=ME, mail=True)
    return services.connections.link(user_id, link)


@contextmanager
def mailbox(database_url: str, *, linked: bool = True) -> Iterator[Mailbox]:
    """Services of their own (the CLI builds its own per command) on the test database."""
    built = build_services(Settings(database_url=database_url, timezone=ZONE),
                           clock=FixedClock(NOW))
    try:
        user = built.local_user_id()
        yield Mailbox(built, user, link_mail(built, user) if linked else 0)
    finally:
        built.close()

