"""Mail mirrored from linked accounts (metadata always, bodies for `mail_keep_days`), the
sender rules learned from triage corrections, and drafts waiting for a confirmed send."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow

CATEGORIES = (
    "needs_reply",
    "waiting",
    "fyi",
    "newsletter",
    "receipt",
    "notification",
    "cold_outreach",
)


class MailMessage(Base):
    """One message of one linked account (`connections` row with mail enabled)."""

    __tablename__ = "mail_messages"
    __table_args__ = (
        UniqueConstraint("connection_id", "remote_id"),
        Index("ix_mail_messages_user_sent", "user_id", "sent_at"),
        Index("ix_mail_messages_user_thread", "user_id", "thread_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    remote_id: Mapped[str] = mapped_column(String(1000))
    folder: Mapped[str] = mapped_column(String(500), default="INBOX")
    # The provider's thread id, else the root Message-ID of the References chain.
    thread_key: Mapped[str] = mapped_column(String(1000))
    message_id: Mapped[str | None] = mapped_column(String(1000), index=True)
    in_reply_to: Mapped[str | None] = mapped_column(String(1000))
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    sender_name: Mapped[str] = mapped_column(String(500), default="")
    sender_email: Mapped[str] = mapped_column(String(320), default="", index=True)
    to: Mapped[list[str]] = mapped_column(JSON, default=list)
    cc: Mapped[list[str]] = mapped_column(JSON, default=list)
    reply_to: Mapped[str | None] = mapped_column(String(1000))
    subject: Mapped[str] = mapped_column(Text, default="")
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    snippet: Mapped[str] = mapped_column(Text, default="")
    # Null once older than mail_keep_days (metadata stays, search then covers the snippet).
    body_text: Mapped[str | None] = mapped_column(Text)
    labels: Mapped[list[str]] = mapped_column(JSON, default=list)
    unread: Mapped[bool] = mapped_column(Boolean, default=True)
    in_inbox: Mapped[bool] = mapped_column(Boolean, default=True)
    from_me: Mapped[bool] = mapped_column(Boolean, default=False)
    size: Mapped[int] = mapped_column(Integer, default=0)
    attachments: Mapped[list[str]] = mapped_column(JSON, default=list)
    list_unsubscribe: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    problems: Mapped[list[str]] = mapped_column(JSON, default=list)
    # Triage: one of CATEGORIES; source rule | model | user | sender_rule; reason for `mail triage`.
    category: Mapped[str | None] = mapped_column(String(20), index=True)
    category_source: Mapped[str | None] = mapped_column(String(20))
    category_reason: Mapped[str | None] = mapped_column(String(500))
    summary: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class MailSenderRule(Base):
    """A person's correction turned rule: mail from `sender` (an address, or "@domain") gets
    `category`."""

    __tablename__ = "mail_sender_rules"
    __table_args__ = (UniqueConstraint("user_id", "sender"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    sender: Mapped[str] = mapped_column(String(320))
    category: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class MailDraft(Base):
    """A draft Aurelius wrote (or the person asked for), saved at the provider; it is sent
    only after an explicit confirmation."""

    __tablename__ = "mail_drafts"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    connection_id: Mapped[int] = mapped_column(
        ForeignKey("connections.id", ondelete="CASCADE"), index=True
    )
    reply_to_id: Mapped[int | None] = mapped_column(
        ForeignKey("mail_messages.id", ondelete="SET NULL")
    )
    remote_draft_id: Mapped[str | None] = mapped_column(String(1000))
    to: Mapped[list[str]] = mapped_column(JSON, default=list)
    cc: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject: Mapped[str] = mapped_column(Text, default="")
    body_text: Mapped[str] = mapped_column(Text, default="")
    in_reply_to: Mapped[str | None] = mapped_column(String(1000))
    references: Mapped[list[str]] = mapped_column(JSON, default=list)
    thread_id: Mapped[str | None] = mapped_column(String(1000))
    status: Mapped[str] = mapped_column(String(12), default="draft")  # draft | sent | discarded
    sent_message_id: Mapped[str | None] = mapped_column(String(1000))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
