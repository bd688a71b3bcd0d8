"""Reminders: an instant to notify at, optionally repeating and tied to a task or event."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow

SCHEDULED, SENT, ACKNOWLEDGED, CANCELLED, MISSED = (
    "scheduled",
    "sent",
    "acknowledged",
    "cancelled",
    "missed",
)


class Reminder(Base):
    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(500))
    remind_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    status: Mapped[str] = mapped_column(String(20), default=SCHEDULED, index=True)
    recurrence: Mapped[str | None] = mapped_column(String(500))
    next_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    """The next occurrence still to deliver (a snooze moves it); None when none is left."""
    requires_ack: Mapped[bool] = mapped_column(Boolean, default=False)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    """Urgent reminders ignore quiet hours."""
    task_id: Mapped[int | None] = mapped_column(ForeignKey("tasks.id", ondelete="SET NULL"))
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
