"""iCalendar (RFC 5545) import and export of a user's events.

Import is idempotent: events are matched by UID (a UID-less event gets one derived from its
content), and a UID whose text has not changed is left alone and counted as unchanged. An
event that cannot be read is skipped and named in the report; the rest still import, all
in one transaction.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.db import Database, emit
from core.errors import Invalid
from core.models import Event, EventException
from core.services import ical_read
from core.services.ical_export import export_calendar
from core.services.ical_read import Series, Unreadable
from core.services.ical_zones import calendar_zone
from core.services.users import user_timezone

# What reading a hostile or broken VEVENT can raise besides Unreadable: skip it, go on.
BROKEN = (Unreadable, Invalid, ValueError, TypeError, KeyError, IndexError, AttributeError,
          OverflowError, ArithmeticError)  # fmt: skip
_FIELDS = ("title", "start_at", "end_at", "timezone", "all_day", "location", "attendees",
           "notes", "recurrence", "rdates", "sequence")  # fmt: skip


@dataclass(frozen=True)
class Note:
    uid: str
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    exceptions: int = 0
    skipped: list[Note] = field(default_factory=list)
    adjusted: list[Note] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.created} new, {self.updated} updated, {self.unchanged} unchanged, "
            f"{len(self.skipped)} skipped"
        )


class CalendarFiles:
    def __init__(self, db: Database) -> None:
        self.db = db

    def import_ics(self, user_id: int, data: bytes) -> ImportReport:
        """Add or update the events of an .ics file in one transaction (all or nothing)."""
        calendar = _parse(data)
        report = ImportReport()
        with self.db.transaction() as session:
            floating = calendar_zone(calendar, user_timezone(session, user_id))
            for uid, components in _by_uid(calendar).items():
                try:
                    _import_uid(session, user_id, uid, components, floating, report)
                except BROKEN as exc:
                    report.skipped.append(Note(uid, _reason(exc)))
            emit(session, "event.changed", user_id=user_id, id=0, action="import")
        return report

    def export_ics(self, user_id: int) -> bytes:
        return self.export_report(user_id)[0]

    def export_report(self, user_id: int) -> tuple[bytes, list[Note]]:
        """The calendar, and the events left out because they could not be written."""
        with self.db.transaction() as session:
            events = session.scalars(
                select(Event).where(Event.user_id == user_id).order_by(Event.start_at, Event.id)
            ).all()
            changes = _changes_by_event(session, [event.id for event in events])
            data, failed = export_calendar(events, changes)
        return data, [Note(uid, reason) for uid, reason in failed]


def _parse(data: bytes) -> Any:
    from icalendar import Calendar

    try:
        return Calendar.from_ical(data)
    except (ValueError, IndexError, KeyError, TypeError) as exc:
        raise Invalid(f"This is not a readable iCalendar file ({exc}).") from None


def _by_uid(calendar: Any) -> dict[str, list[Any]]:
    groups: dict[str, list[Any]] = defaultdict(list)
    for component in calendar.walk("VEVENT"):
        uid = ical_read._line(component.get("uid")) or ical_read.derived_uid(component)
        groups[uid[:255]].append(component)
    return groups


def _import_uid(
    session: Session, user_id: int, uid: str, components: list[Any], floating: str,
    report: ImportReport,
) -> None:  # fmt: skip
    stored = _stored(session, user_id, uid)
    if any("recurrence-id" not in c for c in components):
        series = [ical_read.read_series(uid, components, floating)]
    elif stored is not None:
        series = [_attach(session, stored, components, floating)]
    else:
        series = [ical_read.read_orphan(uid, c, floating) for c in components]
    for one in series:
        outcome = _store(session, user_id, one, _stored(session, user_id, one.event.uid))
        setattr(report, outcome, getattr(report, outcome) + 1)
        report.exceptions += len(one.changes) if outcome != "unchanged" else 0
        report.adjusted.extend(Note(one.event.uid, reason) for reason in one.adjusted)


def _attach(session: Session, stored: Event, overrides: list[Any], floating: str) -> Series:
    """Overrides for a series imported earlier (from another file) join that series."""
    series = Series(stored, _changes_by_event(session, [stored.id]).get(stored.id, []))
    for override in overrides:
        ical_read.add_override(series, override, floating)
    series.digest = ical_read._digest(overrides, floating + (stored.source_hash or ""))
    return series


def _store(session: Session, user_id: int, series: Series, stored: Event | None) -> str:
    incoming = series.event
    if stored is not None and stored.source_hash == series.digest:
        return "unchanged"
    if stored is not None and (stored.sequence or 0) > (incoming.sequence or 0):
        raise Unreadable(
            f"older than the stored version (SEQUENCE {incoming.sequence} < {stored.sequence})"
        )
    target = stored or Event(user_id=user_id, uid=incoming.uid)
    if target is not incoming:
        for name in _FIELDS:
            setattr(target, name, getattr(incoming, name))
    target.source_hash = series.digest
    session.add(target)
    session.flush()
    session.execute(delete(EventException).where(EventException.event_id == target.id))
    for change in series.changes:
        session.add(_copy_change(change, target.id))
    session.flush()
    return "updated" if stored is not None else "created"


def _copy_change(change: EventException, event_id: int) -> EventException:
    return EventException(
        event_id=event_id,
        occurrence_start=change.occurrence_start,
        cancelled=change.cancelled,
        new_start=change.new_start,
        new_end=change.new_end,
        title=change.title,
        location=change.location,
        notes=change.notes,
        all_day=change.all_day,
        this_and_future=bool(change.this_and_future),
    )


def _stored(session: Session, user_id: int, uid: str) -> Event | None:
    return session.scalars(select(Event).where(Event.user_id == user_id, Event.uid == uid)).first()


def _changes_by_event(session: Session, ids: list[int]) -> dict[int, list[EventException]]:
    found: dict[int, list[EventException]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for change in session.scalars(
            select(EventException).where(EventException.event_id.in_(chunk))
        ):
            found[change.event_id].append(change)
    return found


def _reason(exc: Exception) -> str:
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text[:200]
