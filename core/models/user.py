"""People and the channel identities (cli, slack, telegram, email) that act for them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    quiet_start: Mapped[str | None] = mapped_column(String(5))
    """Local "HH:MM" when quiet hours begin (non-urgent notifications wait); None: no quiet."""
    quiet_end: Mapped[str | None] = mapped_column(String(5))
    brief_time: Mapped[str | None] = mapped_column(String(5))
    """Local "HH:MM" of the daily brief; None: no scheduled brief."""
    escalate_minutes: Mapped[int] = mapped_column(Integer, default=10)
    """An unacknowledged reminder moves to the next channel after this many minutes."""
    email: Mapped[str | None] = mapped_column(String(320), unique=True)
    """Lower-cased; set by a verified sign-in (or an admin). Billing and sign-in key on it."""
    email_verified: Mapped[bool] = mapped_column(Boolean, default=False)
    role: Mapped[str] = mapped_column(String(10), default="member")  # admin | member
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Identity(Base):
    """One account on one channel, linked to exactly one user."""

    __tablename__ = "identities"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
