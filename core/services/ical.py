"""iCalendar (RFC 5545) import and export of a user's events.

Import is idempotent: events are matched by UID (a UID-less event gets one derived from its
content), and a UID whose text has not changed is left alone and counted as unchanged. An
event that cannot be read is skipped and named in the report; the rest still import, all
in one transaction.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.db import Database, emit
from core.errors import Invalid
from core.models import Event, EventException
from core.services import ical_read, ical_stage
from core.services.ical_export import export_calendar
from core.services.ical_read import Series, Unreadable
from core.services.ical_zones import calendar_zone
from core.services.users import user_timezone

# What reading a hostile or broken VEVENT can raise besides Unreadable: skip it, go on.
BROKEN = (Unreadable, Invalid, ValueError, TypeError, KeyError, IndexError, AttributeError,
          OverflowError, ArithmeticError)  # fmt: skip


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
        """Add or update the events of an .ics file, all or nothing.

        Reading happens outside any write; new and changed series are staged in short
        batches and swapped in by one short transaction, so a 100,000-event file never
        holds the database's write lock for long.
        """
        calendar = _parse(data)
        report = ImportReport()
        with self.db.transaction() as session:
            floating = calendar_zone(calendar, user_timezone(session, user_id))
            stored = _versions(session, user_id)
        fresh, attach = _read_all(calendar, floating, stored, report)
        import_id = str(uuid.uuid4())
        try:
            ical_stage.stage(self.db, import_id, user_id, fresh)
            with self.db.transaction() as session:
                for uid, overrides in attach.items():
                    _attach_uid(session, user_id, uid, overrides, floating, report)
                ical_stage.swap(session, import_id, user_id, datetime.now(UTC))
                emit(session, "event.changed", user_id=user_id, id=0, action="import")
        finally:
            ical_stage.discard(self.db, import_id)  # nothing left after a swap
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


def _versions(session: Session, user_id: int) -> dict[str, tuple[str | None, int]]:
    """Each stored UID's import digest and SEQUENCE, in one query."""
    rows = session.execute(
        select(Event.uid, Event.source_hash, Event.sequence).where(
            Event.user_id == user_id, Event.calendar_id.is_(None)
        )
    )
    return {uid: (digest, sequence or 0) for uid, digest, sequence in rows}


def _read_all(
    calendar: Any, floating: str, stored: dict[str, tuple[str | None, int]], report: ImportReport
) -> tuple[list[Series], dict[str, list[Any]]]:
    """New and changed series to stage, and override-only UIDs of stored series."""
    fresh: list[Series] = []
    attach: dict[str, list[Any]] = {}
    for uid, components in _by_uid(calendar).items():
        if uid in stored and all("recurrence-id" in c for c in components):
            attach[uid] = components
            continue
        try:
            fresh.extend(_read_uid(uid, components, floating, stored, report))
        except BROKEN as exc:
            report.skipped.append(Note(uid, _reason(exc)))
    return fresh, attach


def _read_uid(
    uid: str, components: list[Any], floating: str, stored: dict[str, tuple[str | None, int]],
    report: ImportReport,
) -> list[Series]:  # fmt: skip
    if any("recurrence-id" not in c for c in components):
        found = [ical_read.read_series(uid, components, floating)]
    else:
        found = [ical_read.read_orphan(uid, c, floating) for c in components]
    changed = []
    for series in found:
        digest, sequence = stored.get(series.event.uid, (None, -1))
        if digest == series.digest:
            report.unchanged += 1
            continue
        if sequence > (series.event.sequence or 0):
            raise Unreadable(
                f"older than the stored version (SEQUENCE {series.event.sequence} < {sequence})"
            )
        _count(report, series, "updated" if sequence >= 0 else "created")
        changed.append(series)
    return changed


def _count(report: ImportReport, series: Series, outcome: str) -> None:
    setattr(report, outcome, getattr(report, outcome) + 1)
    report.exceptions += len(series.changes)
    report.adjusted.extend(Note(series.event.uid, reason) for reason in series.adjusted)


def _attach_uid(
    session: Session, user_id: int, uid: str, overrides: list[Any], floating: str,
    report: ImportReport,
) -> None:  # fmt: skip
    stored = _stored(session, user_id, uid)
    assert stored is not None
    try:
        series = _attach(session, stored, overrides, floating)
    except BROKEN as exc:
        report.skipped.append(Note(uid, _reason(exc)))
        return
    if stored.source_hash == series.digest:
        report.unchanged += 1
        return
    _store(session, series, stored)
    _count(report, series, "updated")


def _attach(session: Session, stored: Event, overrides: list[Any], floating: str) -> Series:
    """Overrides for a series imported earlier (from another file) join that series."""
    series = Series(stored, _changes_by_event(session, [stored.id]).get(stored.id, []))
    for override in overrides:
        ical_read.add_override(series, override, floating)
    series.digest = ical_read._digest(overrides, floating + (stored.source_hash or ""))
    return series


def _store(session: Session, series: Series, stored: Event) -> None:
    stored.source_hash = series.digest
    session.execute(delete(EventException).where(EventException.event_id == stored.id))
    for change in series.changes:
        session.add(_copy_change(change, stored.id))
    session.flush()


def _copy_change(change: EventException, event_id: int) -> EventException:
    values = {name: getattr(change, name) for name in ical_stage.CHANGE_COLUMNS}
    return EventException(
        event_id=event_id, **{**values, "this_and_future": bool(values["this_and_future"])}
    )


def _stored(session: Session, user_id: int, uid: str) -> Event | None:
    return session.scalars(
        select(Event).where(Event.user_id == user_id, Event.uid == uid, Event.calendar_id.is_(None))
    ).first()


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
