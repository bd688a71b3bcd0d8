"""Calendar events, stored as UTC instants plus the IANA zone their wall times belong to."""

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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow


class Event(Base):
    __tablename__ = "events"
    # A UID is unique among a user's local events and, separately, within each linked
    # calendar: the same invitation may sit in a local file and in two providers' calendars.
    __table_args__ = (
        Index(
            "uq_events_local_uid",
            "user_id",
            "uid",
            unique=True,
            sqlite_where=text("calendar_id IS NULL"),
            postgresql_where=text("calendar_id IS NULL"),
        ),
        UniqueConstraint("calendar_id", "uid"),
        UniqueConstraint("calendar_id", "remote_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    uid: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(500))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    all_day: Mapped[bool] = mapped_column(Boolean, default=False)
    location: Mapped[str | None] = mapped_column(String(500))
    attendees: Mapped[list[str]] = mapped_column(JSON, default=list)
    notes: Mapped[str] = mapped_column(Text, default="")
    # One RRULE per line: RFC 5545 allows several, and the occurrences are their union.
    recurrence: Mapped[str | None] = mapped_column(Text)
    # Extra occurrences (RDATE) as [start, end] ISO instants; end is null unless a PERIOD.
    rdates: Mapped[list[list[str | None]]] = mapped_column(JSON, default=list)
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    # Digest of the iCalendar text last imported for this UID: same digest, nothing to update.
    source_hash: Mapped[str | None] = mapped_column(String(64))
    # Where the event lives: null for a local event, else the linked calendar it mirrors,
    # the provider's id for it and the version (etag / changeKey) last seen.
    calendar_id: Mapped[int | None] = mapped_column(
        ForeignKey("calendars.id", ondelete="CASCADE"), index=True
    )
    remote_id: Mapped[str | None] = mapped_column(String(1000))
    etag: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class OccurrenceChange:
    """The columns of one changed occurrence, shared by stored and staged changes."""

    occurrence_start: Mapped[datetime] = mapped_column(UTCDateTime())
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    new_start: Mapped[datetime | None] = mapped_column(UTCDateTime())
    new_end: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # An override's own properties; null means "as the series".
    title: Mapped[str | None] = mapped_column(String(500))
    location: Mapped[str | None] = mapped_column(String(500))
    notes: Mapped[str | None] = mapped_column(Text)
    all_day: Mapped[bool | None] = mapped_column(Boolean)
    # RANGE=THISANDFUTURE: the change applies to this occurrence and every later one.
    this_and_future: Mapped[bool] = mapped_column(Boolean, default=False)


class EventException(OccurrenceChange, Base):
    """One occurrence of a recurring event cancelled or moved (RECURRENCE-ID in iCalendar)."""

    __tablename__ = "event_exceptions"
    __table_args__ = (UniqueConstraint("event_id", "occurrence_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)


class EventImportRow(Base):
    """An event of an import in progress: a large import is written here in short batches
    and becomes visible in one short final swap, so it never holds the write lock for long."""

    __tablename__ = "event_import_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[str] = mapped_column(String(36), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(500))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    end_at: Mapped[datetime] = mapped_column(UTCDateTime())
    timezone: Mapped[str] = mapped_column(String(64))
    all_day: Mapped[bool] = mapped_column(Boolean)
    location: Mapped[str | None] = mapped_column(String(500))
    attendees: Mapped[list[str]] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text)
    recurrence: Mapped[str | None] = mapped_column(Text)
    rdates: Mapped[list[list[str | None]]] = mapped_column(JSON)
    sequence: Mapped[int] = mapped_column(Integer)
    source_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EventImportChange(OccurrenceChange, Base):
    """An occurrence change of an import in progress (see EventImportRow)."""

    __tablename__ = "event_import_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[str] = mapped_column(String(36), index=True)
    uid: Mapped[str] = mapped_column(String(255))
