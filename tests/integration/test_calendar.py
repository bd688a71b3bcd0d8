"""Calendar service on real databases: agenda, DST, exceptions, free time, iCalendar."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from aurelius.bootstrap import Services
from core.errors import Invalid, NotFound
from core.services.calendars import NewEvent
from core.timeutil import add_elapsed, day_bounds, elapsed, localize
from tests.conftest import ZONE


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return localize(datetime(year, month, day, hour, minute), ZONE)


def add(
    services: Services,
    user_id: int,
    title: str,
    start: datetime,
    minutes: int,
    rule: str | None = None,
) -> int:
    event = services.calendar.add(
        user_id,
        NewEvent(
            title=title,
            start=start,
            end=add_elapsed(start, timedelta(minutes=minutes)),
            recurrence=rule,
        ),
    )
    return event.id


def test_agenda_expands_weekday_recurrence_at_the_same_wall_time_across_dst(
    services: Services, user_id: int
) -> None:
    add(
        services, user_id, "Standup", at(2026, 3, 26, 9, 30), 15, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    )
    events = services.calendar.agenda(user_id, at(2026, 3, 26, 0), at(2026, 4, 1, 0))
    starts = [(e.start.date(), e.start.strftime("%H:%M"), e.start.utcoffset()) for e in events]
    assert [s[0] for s in starts] == [date(2026, 3, d) for d in (26, 27, 30, 31)]
    assert {s[1] for s in starts} == {"09:30"}
    assert starts[0][2] == timedelta(hours=1) and starts[-1][2] == timedelta(hours=2)


def test_cancel_and_move_one_occurrence(services: Services, user_id: int) -> None:
    event_id = add(services, user_id, "Gym", at(2026, 3, 10, 18), 60, "FREQ=DAILY;COUNT=5")
    services.calendar.remove(user_id, event_id, at(2026, 3, 11, 0))
    moved = services.calendar.move(user_id, event_id, at(2026, 3, 12, 0), at(2026, 3, 12, 7))
    assert moved.occurrence_moved and moved.end == at(2026, 3, 12, 8)
    events = services.calendar.agenda(user_id, at(2026, 3, 10, 0), at(2026, 3, 20, 0))
    assert [(e.start.day, e.start.hour) for e in events] == [(10, 18), (12, 7), (13, 18), (14, 18)]
    with pytest.raises(NotFound, match="no occurrence"):
        services.calendar.remove(user_id, event_id, at(2026, 3, 19, 0))


def test_free_slots_within_working_hours(services: Services, user_id: int) -> None:
    add(services, user_id, "Dentist", at(2026, 3, 11, 14), 45)
    add(services, user_id, "Standup", at(2026, 3, 11, 9, 30), 15)
    add(services, user_id, "Overlapping", at(2026, 3, 11, 14, 30), 60)
    slots = services.calendar.free(user_id, date(2026, 3, 11), timedelta(minutes=60))
    spans = [(s.start.strftime("%H:%M"), s.end.strftime("%H:%M")) for s in slots]
    assert spans == [("09:45", "14:00"), ("15:30", "18:00")]
    assert slots[0].minutes == 255


def test_dst_days_are_23_and_25_hours(services: Services, user_id: int) -> None:
    for day, hours in ((date(2026, 3, 29), 23), (date(2026, 10, 25), 25)):
        start, end = day_bounds(day, ZONE)
        assert elapsed(start, end) == timedelta(hours=hours)
        add(services, user_id, f"All night {day}", start, hours * 60)
        assert len(services.calendar.day(user_id, day)) == 1


def test_invalid_events(services: Services, user_id: int) -> None:
    with pytest.raises(Invalid, match="end after"):
        add(services, user_id, "Backwards", at(2026, 3, 11, 10), -30)
    with pytest.raises(Invalid, match="repeat rule"):
        add(services, user_id, "Bad rule", at(2026, 3, 11, 10), 30, "FREQ=NEVER")
    with pytest.raises(Invalid, match="does not repeat"):
        event_id = add(services, user_id, "Once", at(2026, 3, 11, 10), 30)
        services.calendar.remove(user_id, event_id, at(2026, 3, 11, 0))


def test_ical_round_trip_keeps_zones_rules_and_exceptions(services: Services, user_id: int) -> None:
    event_id = add(
        services, user_id, "Standup", at(2026, 3, 26, 9, 30), 15, "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
    )
    add(services, user_id, "Dentist", at(2026, 3, 27, 14), 45)
    services.calendar.remove(user_id, event_id, at(2026, 3, 30, 0))
    services.calendar.move(user_id, event_id, at(2026, 3, 31, 0), at(2026, 3, 31, 11))
    exported = services.calendar_files.export_ics(user_id)
    assert b"TZID=Europe/Berlin" in exported and b"EXDATE" in exported

    other = services.users.ensure("cli", "someone-else", "Someone", ZONE)
    report = services.calendar_files.import_ics(other, exported)
    assert (report.created, report.exceptions) == (2, 2)
    window = (at(2026, 3, 26, 0), at(2026, 4, 2, 0))
    mine = [(e.title, e.start) for e in services.calendar.agenda(user_id, *window)]
    theirs = [(e.title, e.start) for e in services.calendar.agenda(other, *window)]
    assert theirs == mine

    again = services.calendar_files.import_ics(other, exported)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert [(e.title, e.start) for e in services.calendar.agenda(other, *window)] == mine


def test_import_floating_and_all_day_events(services: Services, user_id: int) -> None:
    ics = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n"
        b"BEGIN:VEVENT\r\nUID:a1\r\nDTSTAMP:20260301T000000Z\r\nSUMMARY:Holiday\r\n"
        b"DTSTART;VALUE=DATE:20260312\r\nDTEND;VALUE=DATE:20260313\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:a2\r\nDTSTAMP:20260301T000000Z\r\nSUMMARY:Floating\r\n"
        b"DTSTART:20260312T100000\r\nDURATION:PT30M\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:a3\r\nDTSTAMP:20260301T000000Z\r\nSUMMARY:Call NY\r\n"
        b"DTSTART:20260312T150000Z\r\nDTEND:20260312T160000Z\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    services.calendar_files.import_ics(user_id, ics)
    events = {e.title: e for e in services.calendar.day(user_id, date(2026, 3, 12))}
    assert events["Holiday"].all_day and events["Holiday"].start == at(2026, 3, 12, 0)
    assert events["Floating"].start == at(2026, 3, 12, 10)
    assert events["Call NY"].start == at(2026, 3, 12, 16)


def test_import_rejects_garbage(services: Services, user_id: int) -> None:
    with pytest.raises(Invalid, match="iCalendar"):
        services.calendar_files.import_ics(user_id, b"this is not a calendar")
