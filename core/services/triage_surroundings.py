"""What the rules need to know around a batch of messages, read in a few queries: the
person's own addresses, who they write to, the threads they wrote in, their sender rules."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.mail.rules import Context, Mail
from core.models import Connection
from core.models.mail import MailMessage, MailSenderRule
from core.services.triage_views import address_of

SENT_LOOKBACK = 5000  # the person's latest sent messages tell who they correspond with

ThreadKey = tuple[int, str]


def mail_of(row: MailMessage) -> Mail:
    """The stored message as the rules read it (bodies past retention fall back to the snippet)."""
    return Mail(
        sender_name=row.sender_name,
        sender_email=row.sender_email.lower(),
        subject=row.subject,
        body=row.body_text if row.body_text is not None else row.snippet,
        to=tuple(address_of(a) for a in row.to),
        cc=tuple(address_of(a) for a in row.cc),
        headers={k.lower(): v for k, v in (row.headers or {}).items()},
        from_me=row.from_me,
        attachments=tuple(row.attachments),
        list_unsubscribe=row.list_unsubscribe,
    )


@dataclass(frozen=True)
class Surroundings:
    me: frozenset[str]
    written_to: frozenset[str]
    my_posts: dict[ThreadKey, list[datetime | None]]
    rules: dict[str, str]

    @classmethod
    def load(cls, session: Session, user_id: int, rows: list[MailMessage]) -> Surroundings:
        me, written_to = _addresses(session, user_id)
        found = session.execute(select(MailSenderRule.sender, MailSenderRule.category)
                                .where(MailSenderRule.user_id == user_id))
        rules = {sender: category for sender, category in found}
        return cls(me, written_to, _my_posts(session, user_id, rows), rules)

    def context(self, row: MailMessage) -> Context:
        sender = row.sender_email.lower()
        posts = self.my_posts.get((row.connection_id, row.thread_key), [])
        replied = any(_before(when, row.sent_at) for when in posts if not row.from_me)
        return Context(me=self.me, replied_in_thread=replied,
                       known_sender=sender in self.written_to, sender_rules=self.rules)


def _before(mine: datetime | None, theirs: datetime | None) -> bool:
    return mine is None or theirs is None or mine <= theirs


def _addresses(session: Session, user_id: int) -> tuple[frozenset[str], frozenset[str]]:
    """The person's addresses (accounts and the senders of their own mail) and everyone they
    wrote to."""
    me = {e.lower() for e in session.scalars(select(Connection.account_email).where(
        Connection.user_id == user_id, Connection.account_email.is_not(None))) if e}
    written: set[str] = set()
    sent = session.execute(
        select(MailMessage.sender_email, MailMessage.to, MailMessage.cc)
        .where(MailMessage.user_id == user_id, MailMessage.from_me.is_(True))
        .order_by(MailMessage.id.desc()).limit(SENT_LOOKBACK))
    for sender, to, cc in sent:
        me.add(sender.lower())
        written.update(address_of(a) for a in [*to, *cc])
    me.discard("")
    return frozenset(me), frozenset(written - me)


def _my_posts(session: Session, user_id: int,
              rows: list[MailMessage]) -> dict[ThreadKey, list[datetime | None]]:
    """When the person wrote in each of the batch's threads."""
    keys = {row.thread_key for row in rows}
    posts: dict[ThreadKey, list[datetime | None]] = defaultdict(list)
    if not keys:
        return posts
    found = session.execute(
        select(MailMessage.connection_id, MailMessage.thread_key, MailMessage.sent_at)
        .where(MailMessage.user_id == user_id, MailMessage.from_me.is_(True),
               MailMessage.thread_key.in_(keys)))
    for connection_id, thread_key, sent_at in found:
        posts[(connection_id, thread_key)].append(sent_at)
    return posts
