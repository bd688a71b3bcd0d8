"""iCalendar (RFC 5545) import and export of a user's events.

Import is idempotent: events are matched by UID, so importing the same file twice changes
nothing. EXDATEs and RECURRENCE-ID overrides become per-occurrence exceptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import Database, emit
from core.errors import Invalid
from core.models import Event, EventException
from core.services.users import user_timezone
from core.timeutil import localize

PRODID = "-//Aurelius//Aurelius calendar//EN"


@dataclass(frozen=True)
class ImportReport:
    created: int
    updated: int
    exceptions: int
    skipped: int


class CalendarFiles:
    def __init__(self, db: Database) -> None:
        self.db = db

    def import_ics(self, user_id: int, data: bytes) -> ImportReport:
        """Add or update the events of an .ics file in one transaction (all or nothing)."""
        calendar = _parse(data)
        counts = {"created": 0, "updated": 0, "exceptions": 0, "skipped": 0}
        with self.db.transaction() as session:
            tz = user_timezone(session, user_id)
            components = list(calendar.walk("VEVENT"))
            for component in sorted(components, key=lambda c: "RECURRENCE-ID" in c):
                counts[_import_one(session, user_id, tz, component)] += 1
            emit(session, "event.changed", user_id=user_id, id=0, action="import")
        return ImportReport(**counts)

    def export_ics(self, user_id: int) -> bytes:
        from icalendar import Calendar

        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        with self.db.transaction() as session:
            events = session.scalars(
                select(Event).where(Event.user_id == user_id).order_by(Event.start_at)
            ).all()
            for event in events:
                for component in _components(session, event):
                    calendar.add_component(component)
        calendar.add_missing_timezones()
        return bytes(calendar.to_ical())


def _parse(data: bytes) -> Any:
    from icalendar import Calendar

    try:
        return Calendar.from_ical(data)
    except (ValueError, IndexError) as exc:
        raise Invalid(f"This is not a readable iCalendar file ({exc}).") from None


def _import_one(session: Session, user_id: int, tz: str, component: Any) -> str:
    uid = str(component.get("uid") or "")
    if not uid or "dtstart" not in component:
        return "skipped"
    existing = session.scalars(
        select(Event).where(Event.user_id == user_id, Event.uid == uid)
    ).first()
    if "recurrence-id" in component:
        return _import_override(session, existing, component, tz)
    start, end, all_day, zone_name = _times(component, tz)
    event = existing or Event(user_id=user_id, uid=uid)
    event.title = str(component.get("summary") or "(untitled)")
    event.start_at, event.end_at, event.all_day, event.timezone = start, end, all_day, zone_name
    event.location = str(component["location"]) if component.get("location") else None
    event.attendees = [str(a).removeprefix("mailto:") for a in _as_list(component.get("attendee"))]
    event.notes = str(component.get("description") or "")
    rrule = component.get("rrule")
    event.recurrence = rrule.to_ical().decode() if rrule else None
    session.add(event)
    session.flush()
    _import_exdates(session, event, component, tz)
    return "updated" if existing else "created"


def _import_exdates(session: Session, event: Event, component: Any, tz: str) -> None:
    for group in _as_list(component.get("exdate")):
        for value in group.dts:
            _upsert_exception(session, event, _instant(value.dt, tz), cancelled=True)


def _import_override(session: Session, event: Event | None, component: Any, tz: str) -> str:
    if event is None:
        return "skipped"
    original = _instant(component.decoded("recurrence-id"), tz)
    cancelled = str(component.get("status", "")).upper() == "CANCELLED"
    start, end, _, _ = _times(component, tz)
    _upsert_exception(session, event, original, cancelled=cancelled, new_start=start, new_end=end)
    return "exceptions"


def _upsert_exception(
    session: Session,
    event: Event,
    original: datetime,
    *,
    cancelled: bool,
    new_start: datetime | None = None,
    new_end: datetime | None = None,
) -> None:
    found = session.scalars(
        select(EventException).where(
            EventException.event_id == event.id, EventException.occurrence_start == original
        )
    ).first()
    change = found or EventException(event_id=event.id, occurrence_start=original)
    change.cancelled = cancelled
    change.new_start, change.new_end = (None, None) if cancelled else (new_start, new_end)
    session.add(change)


def _times(component: Any, tz: str) -> tuple[datetime, datetime, bool, str]:
    raw_start = component.decoded("dtstart")
    all_day = not isinstance(raw_start, datetime)
    zone_name = _zone_name(raw_start) or tz
    start = _instant(raw_start, zone_name)
    if "dtend" in component:
        end = _instant(component.decoded("dtend"), zone_name)
    elif "duration" in component:
        end = start + component.decoded("duration")
    elif all_day:
        end = _instant(raw_start + timedelta(days=1), zone_name)
    else:
        end = start
    return start, max(end, start + timedelta(minutes=1)), all_day, zone_name


def _zone_name(value: date | datetime) -> str | None:
    key = getattr(getattr(value, "tzinfo", None), "key", None)
    return key if isinstance(key, str) and key != "UTC" else None


def _instant(value: date | datetime, tz: str) -> datetime:
    """Floating times and dates are read in the user's zone; aware times keep their instant."""
    if not isinstance(value, datetime):
        value = localize(datetime.combine(value, time()), tz)
    elif value.tzinfo is None:
        value = localize(value, tz)
    return value.astimezone(UTC)  # UTC, so adding a DURATION counts elapsed time


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _components(session: Session, event: Event) -> list[Any]:
    from icalendar import Event as VEvent
    from icalendar import vRecur

    from core.timeutil import zone

    local = zone(event.timezone)
    vevent = VEvent()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", event.updated_at or datetime.now(UTC))
    vevent.add("summary", event.title)
    vevent.add("dtstart", _out(event.start_at, event.all_day, local))
    vevent.add("dtend", _out(event.end_at, event.all_day, local))
    if event.location:
        vevent.add("location", event.location)
    for attendee in event.attendees:
        vevent.add("attendee", f"mailto:{attendee}" if "@" in attendee else attendee)
    if event.notes:
        vevent.add("description", event.notes)
    overrides = []
    if event.recurrence:
        vevent.add("rrule", vRecur.from_ical(event.recurrence))
        changes = session.scalars(
            select(EventException).where(EventException.event_id == event.id)
        ).all()
        cancelled = [_out(c.occurrence_start, event.all_day, local) for c in changes if c.cancelled]
        if cancelled:
            vevent.add("exdate", cancelled)
        overrides = [_override(event, c, local) for c in changes if not c.cancelled]
    return [vevent, *overrides]


def _override(event: Event, change: EventException, local: Any) -> Any:
    from icalendar import Event as VEvent

    vevent = VEvent()
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", datetime.now(UTC))
    vevent.add("summary", event.title)
    vevent.add("recurrence-id", _out(change.occurrence_start, event.all_day, local))
    vevent.add("dtstart", _out(change.new_start or change.occurrence_start, event.all_day, local))
    vevent.add("dtend", _out(change.new_end or change.occurrence_start, event.all_day, local))
    return vevent


def _out(instant: datetime, all_day: bool, local: Any) -> date | datetime:
    moment = instant.astimezone(local)
    return moment.date() if all_day else moment
