"""Writing events as iCalendar: each series with its RRULEs, RDATEs and EXDATEs, and each
changed occurrence as an override that keeps its own title, location, length and kind
(timed or all-day). An event that cannot be written is left out and named, never fatal."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

from core.models import Event, EventException
from core.timeutil import zone

PRODID = "-//Aurelius//Aurelius calendar//EN"
WRITE_ERRORS = (ValueError, TypeError, KeyError, OverflowError, AttributeError)


def export_calendar(
    events: Sequence[Event], changes: dict[int, list[EventException]]
) -> tuple[bytes, list[tuple[str, str]]]:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    failed = []
    for event in events:
        try:
            parts = _components(event, changes.get(event.id, []))
            for part in parts:
                part.to_ical()  # fail here, for this event, rather than for the whole file
        except WRITE_ERRORS as exc:
            failed.append((event.uid, str(exc).splitlines()[0] if str(exc) else "unwritable"))
            continue
        for part in parts:
            calendar.add_component(part)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical()), failed


def _components(event: Event, changes: list[EventException]) -> list[Any]:
    from icalendar import Event as VEvent
    from icalendar import vRecur

    local = zone(event.timezone)
    vevent = _common(VEvent(), event, event.title, event.location, event.notes)
    vevent.add("dtstart", _out(event.start_at, event.all_day, local))
    vevent.add("dtend", _out(event.end_at, event.all_day, local))
    if event.sequence:
        vevent.add("sequence", event.sequence)
    for line in (event.recurrence or "").splitlines():
        vevent.add("rrule", vRecur.from_ical(line))
    _add_rdates(vevent, event, local)
    cancelled = [_out(c.occurrence_start, event.all_day, local) for c in changes if c.cancelled]
    if cancelled:
        vevent.add("exdate", cancelled)
    overrides = [_override(event, c, local) for c in changes if not c.cancelled]
    return [vevent, *overrides]


def _common(vevent: Any, event: Event, title: str, location: str | None, notes: str) -> Any:
    vevent.add("uid", event.uid)
    vevent.add("dtstamp", event.updated_at or datetime.now(UTC))
    vevent.add("summary", title)
    if location:
        vevent.add("location", location)
    for attendee in event.attendees:
        clean = "".join(ch for ch in attendee if ch.isprintable())
        vevent.add("attendee", f"mailto:{clean}" if "@" in clean else clean)
    if notes:
        vevent.add("description", notes)
    return vevent


def _add_rdates(vevent: Any, event: Event, local: Any) -> None:
    for first, last in event.rdates or []:
        start = datetime.fromisoformat(str(first))
        if last:
            period = (start.astimezone(UTC), datetime.fromisoformat(last).astimezone(UTC))
            vevent.add("rdate", [period])  # in UTC: a zoned PERIOD's end is read ambiguously
        else:
            vevent.add("rdate", [_out(start, event.all_day, local)])


def _override(event: Event, change: EventException, local: Any) -> Any:
    from icalendar import Event as VEvent

    all_day = event.all_day if change.all_day is None else change.all_day
    location = event.location if change.location is None else change.location
    vevent = _common(VEvent(), event, change.title or event.title, location, change.notes or "")
    vevent.add("recurrence-id", _out(change.occurrence_start, event.all_day, local))
    if change.this_and_future:
        vevent["recurrence-id"].params["RANGE"] = "THISANDFUTURE"
    if event.sequence:
        vevent.add("sequence", event.sequence)
    start = change.new_start or change.occurrence_start
    vevent.add("dtstart", _out(start, all_day, local))
    vevent.add("dtend", _out(change.new_end or start, all_day, local))
    return vevent


def _out(instant: datetime, all_day: bool, local: Any) -> date | datetime:
    moment = instant.astimezone(local)
    return moment.date() if all_day else moment
