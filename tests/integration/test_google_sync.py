"""Google Calendar end to end: the stand-in, the real adapter over httpx, the sync engine and
the agenda, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest

from aurelius.adapters.google import GoogleCalendar
from aurelius.bootstrap import Services
from core.services.calendars import NewEvent
from core.services.connections import Link
from core.services.sync import CalendarSync
from tests.stubs.google_calendar import GoogleCalendarState, StaticTokens, serving
from tests.stubs.provider import ProviderStub, losing_first_answer

NY = ZoneInfo("America/New_York")
CAL = "me@example.com"


@pytest.fixture
def state() -> Iterator[GoogleCalendarState]:
    google = GoogleCalendarState(tokens={"good"})
    google.add_calendar(CAL, "Me", primary=True, time_zone="America/New_York")
    google.add_calendar("holidays@group.v.calendar.google.com", "Holidays", "reader")
    yield google


@pytest.fixture
def stub(state: GoogleCalendarState) -> Iterator[ProviderStub]:
    with serving(state) as server:
        yield server


@pytest.fixture
def connection(services: Services, user_id: int) -> int:
    link = Link("google", "1234", CAL, ["https://www.googleapis.com/auth/calendar"],
                "oauth", {"access_token": "good"})
    return services.connections.link(user_id, link)


def engine(services: Services, stub: ProviderStub,
           client: httpx.Client | None = None) -> CalendarSync:
    google = GoogleCalendar(StaticTokens("good"), base_url=stub.url, client=client)
    return CalendarSync(services.db, services.clock, lambda connection: google)


def agenda(services: Services, user_id: int) -> list[tuple[str, str]]:
    start = datetime(2026, 10, 1, tzinfo=UTC)
    shown = services.calendar.agenda(user_id, start, start + timedelta(days=90))
    return [(e.title, f"{e.start.astimezone(ZoneInfo(e.timezone)):%a %d %b %H:%M} {e.timezone}")
            for e in shown]


def seed(state: GoogleCalendarState) -> dict:
    first = datetime(2026, 10, 26, 9, tzinfo=NY)  # New York leaves DST on 1 November
    gym = state.put(CAL, {
        "summary": "Gym", "recurrence": ["RRULE:FREQ=WEEKLY;COUNT=4"],
        "start": {"dateTime": first.isoformat(), "timeZone": "America/New_York"},
        "end": {"dateTime": (first + timedelta(hours=1)).isoformat(),
                "timeZone": "America/New_York"}})
    moved = state.instance(CAL, f"{gym['id']}_20261102T140000Z")
    assert moved is not None
    state.put(CAL, {**moved, "start": {"dateTime": "2026-11-03T18:00:00-05:00"},
                    "end": {"dateTime": "2026-11-03T19:00:00-05:00"}})
    cancelled = state.instance(CAL, f"{gym['id']}_20261109T140000Z")
    state.put(CAL, {**cancelled, "status": "cancelled"})
    state.put(CAL, {"summary": "Thanksgiving", "start": {"date": "2026-11-26"},
                    "end": {"date": "2026-11-27"}})
    state.put(CAL, {"summary": "Broken", "start": {"dateTime": "2026-11-05T10:00:00Z",
                                                   "timeZone": "Mars/Base"},
                    "end": {"dateTime": "2026-11-05T11:00:00Z"}})
    return gym


EXPECTED = [
    ("Gym", "Mon 26 Oct 09:00 America/New_York"),
    ("Gym", "Tue 03 Nov 18:00 America/New_York"),
    ("Gym", "Mon 16 Nov 09:00 America/New_York"),
    ("Thanksgiving", "Thu 26 Nov 00:00 America/New_York"),
]


def test_the_agenda_shows_what_google_shows(services: Services, user_id: int, connection: int,
                                            stub: ProviderStub,
                                            state: GoogleCalendarState) -> None:
    gym = seed(state)
    sync_engine = engine(services, stub)
    first = sync_engine.sync_connection(connection)
    assert first.error is None and first.added == 2 and len(first.skipped) == 1
    assert agenda(services, user_id) == EXPECTED
    calendars = {c.name: c for c in services.calendar.calendars(user_id)}
    assert calendars["Holidays"].writable is False

    state.remove(CAL, gym["id"])
    state.put(CAL, {"summary": "Dentist", "start": {"dateTime": "2026-11-04T15:00:00Z"},
                    "end": {"dateTime": "2026-11-04T16:00:00Z"}})
    later = sync_engine.sync_connection(connection)
    assert (later.added, later.removed) == (1, 1)
    after = [("Dentist", "Wed 04 Nov 10:00 America/New_York"), EXPECTED[-1]]
    assert agenda(services, user_id) == after

    state.expire_tokens()  # 410: a full listing ends in the same state
    again = sync_engine.sync_connection(connection)
    assert again.full and again.error is None and agenda(services, user_id) == after


def test_an_event_added_in_aurelius_lands_at_google_once(
        services: Services, user_id: int, connection: int, stub: ProviderStub,
        state: GoogleCalendarState) -> None:
    sync_engine = engine(services, stub, losing_first_answer("POST"))
    sync_engine.sync_connection(connection)
    start = datetime(2026, 11, 6, 13, tzinfo=NY)
    services.calendar.add(user_id, NewEvent("Lunch with Sara", start, start + timedelta(hours=1),
                                            calendar="Me"))
    lost = sync_engine.sync_connection(connection)
    assert lost.error is not None  # the answer was lost: the write waits in the outbox
    services.clock.instant += timedelta(hours=1)  # type: ignore[attr-defined]  # retry due
    done = sync_engine.sync_connection(connection)
    assert done.error is None and done.pushed == 1
    assert [e["summary"] for e in state.live(CAL)] == ["Lunch with Sara"]
    assert [t for t, _ in agenda(services, user_id)] == ["Lunch with Sara"]
