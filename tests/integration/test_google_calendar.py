"""The Google Calendar adapter through httpx against the Calendar v3 stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from aurelius.adapters.google import GoogleCalendar
from core.errors import CursorExpired, EtagConflict, PermissionDenied, ProviderUnavailable
from core.ports import RemoteEvent, RemoteOverride
from tests.stubs.google_calendar import GoogleCalendarState, StaticTokens, serving
from tests.stubs.provider import ProviderStub, losing_first_answer

NY, BERLIN = ZoneInfo("America/New_York"), ZoneInfo("Europe/Berlin")
CAL = "me@example.com"


@pytest.fixture
def state() -> GoogleCalendarState:
    google = GoogleCalendarState(tokens={"good"})
    google.add_calendar(CAL, "Me", primary=True, time_zone="Europe/Berlin", colour="#7bd148")
    google.add_calendar("team@group.calendar.google.com", "Team", access_role="reader")
    return google


@pytest.fixture
def stub(state: GoogleCalendarState) -> Iterator[ProviderStub]:
    with serving(state) as server:
        yield server


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def google(stub: ProviderStub, waits: list[float]) -> GoogleCalendar:
    return GoogleCalendar(StaticTokens("good"), base_url=stub.url, sleep=waits.append)


def timed(start: datetime, hours: float = 1, **extra: object) -> dict[str, object]:
    zone = str(start.tzinfo)
    end = start + timedelta(hours=hours)
    return {"start": {"dateTime": start.isoformat(), "timeZone": zone},
            "end": {"dateTime": end.isoformat(), "timeZone": zone}, **extra}


def weekly(state: GoogleCalendarState, title: str, start: datetime, count: int = 6) -> dict:
    return state.put(CAL, timed(start, summary=title, recurrence=[
        f"RRULE:FREQ=WEEKLY;COUNT={count}"]))


def occurrence(state: GoogleCalendarState, series: dict, original: datetime,
               **change: object) -> dict:
    instance_id = f"{series['id']}_{original.astimezone(UTC):%Y%m%dT%H%M%SZ}"
    instance = state.instance(CAL, instance_id)
    assert instance is not None
    return state.put(CAL, {**instance, **change})


def test_calendars_say_who_may_write(google: GoogleCalendar) -> None:
    mine, team = google.calendars()
    assert (mine.remote_id, mine.name, mine.primary, mine.writable) == (CAL, "Me", True, True)
    assert (mine.colour, mine.timezone) == ("#7bd148", "Europe/Berlin")
    assert (team.name, team.writable, team.primary) == ("Team", False, False)


def test_a_full_listing_follows_every_page(google: GoogleCalendar,
                                           state: GoogleCalendarState) -> None:
    state.page_limit = 7
    start = datetime(2026, 12, 1, 9, tzinfo=BERLIN)
    for n in range(20):
        state.put(CAL, timed(start + timedelta(days=n), summary=f"Meeting {n}"))
    series = weekly(state, "Standup", start)
    occurrence(state, series, start + timedelta(weeks=1), status="cancelled")
    batch = google.changes(CAL, None)
    assert batch.complete and batch.cursor and batch.requests == 4
    assert sorted(e.title for e in batch.events)[:2] == ["Meeting 0", "Meeting 1"]
    assert len(batch.events) == 21 and batch.instances == [] and batch.deleted == []
    standup = next(e for e in batch.events if e.title == "Standup")
    assert standup.recurrence == "FREQ=WEEKLY;COUNT=6" and standup.timezone == "Europe/Berlin"
    assert standup.overrides == (RemoteOverride(start + timedelta(weeks=1), cancelled=True),)
    assert google.changes(CAL, batch.cursor).events == []


def test_incremental_changes_are_exactly_what_happened(google: GoogleCalendar,
                                                        state: GoogleCalendarState) -> None:
    start = datetime(2026, 12, 1, 9, tzinfo=BERLIN)
    edited = state.put(CAL, timed(start, summary="Lunch"))
    state.put(CAL, timed(start, summary="Untouched"))
    series = weekly(state, "Standup", start)
    gone = weekly(state, "Old series", start + timedelta(hours=3))
    occurrence(state, gone, start + timedelta(hours=3, weeks=1), summary="moved before")
    cursor = google.changes(CAL, None).cursor
    assert cursor

    state.put(CAL, timed(start + timedelta(days=1), summary="Dentist"))
    state.put(CAL, {**edited, "summary": "Lunch with Sara"})
    moved_from = start + timedelta(weeks=2)
    occurrence(state, series, moved_from, **timed(moved_from + timedelta(hours=2)))
    occurrence(state, series, start + timedelta(weeks=3), status="cancelled")
    state.remove(CAL, gone["id"])

    batch = google.changes(CAL, cursor)
    assert not batch.complete and batch.requests == 1
    assert sorted(e.title for e in batch.events) == ["Dentist", "Lunch with Sara"]
    assert batch.deleted == [gone["id"]]
    moves = {i.override.occurrence_start: i.override for i in batch.instances}
    assert {i.series_remote_id for i in batch.instances} == {series["id"]}
    assert moves[moved_from].start == moved_from + timedelta(hours=2)
    assert moves[start + timedelta(weeks=3)].cancelled


def test_an_edited_series_arrives_whole(google: GoogleCalendar,
                                        state: GoogleCalendarState) -> None:
    start = datetime(2026, 12, 1, 9, tzinfo=BERLIN)
    series = weekly(state, "Standup", start)
    occurrence(state, series, start + timedelta(weeks=1), status="cancelled")
    cursor = google.changes(CAL, None).cursor
    state.put(CAL, {**state.events[CAL][series["id"]], "summary": "Daily standup"})
    batch = google.changes(CAL, cursor)
    (whole,) = batch.events
    assert whole.title == "Daily standup" and batch.requests == 2 and batch.instances == []
    assert whole.overrides == (RemoteOverride(start + timedelta(weeks=1), cancelled=True),)


def test_an_expired_sync_token_asks_for_a_full_sync(google: GoogleCalendar,
                                                    state: GoogleCalendarState) -> None:
    cursor = google.changes(CAL, None).cursor
    state.expire_tokens()
    with pytest.raises(CursorExpired):
        google.changes(CAL, cursor)
    assert google.changes(CAL, None).complete


def test_a_create_retried_after_a_lost_answer_makes_one_event(
        stub: ProviderStub, state: GoogleCalendarState) -> None:
    google = GoogleCalendar(StaticTokens("good"), base_url=stub.url,
                            client=losing_first_answer("POST"))
    event = RemoteEvent("", "lunch-1@aurelius", "Lunch", datetime(2026, 12, 4, 13, tzinfo=NY),
                        datetime(2026, 12, 4, 14, tzinfo=NY), timezone="America/New_York")
    with pytest.raises(ProviderUnavailable):
        google.create(CAL, event)
    created = google.create(CAL, event)
    assert [e["summary"] for e in state.live(CAL)] == ["Lunch"]
    assert created.remote_id == state.live(CAL)[0]["id"] and created.etag
    assert created.ical_uid == "lunch-1@aurelius"
    assert google.changes(CAL, None).events[0].ical_uid == "lunch-1@aurelius"


def test_updates_need_the_current_etag(google: GoogleCalendar,
                                       state: GoogleCalendarState) -> None:
    start = datetime(2026, 12, 7, 9, tzinfo=BERLIN)
    event = RemoteEvent("", "standup@aurelius", "Standup", start, start + timedelta(minutes=15),
                        timezone="Europe/Berlin", recurrence="FREQ=WEEKLY;COUNT=5")
    created = google.create(CAL, event)
    moved = RemoteOverride(start + timedelta(weeks=1), start=start + timedelta(weeks=1, hours=1))
    cancelled = RemoteOverride(start + timedelta(weeks=2), cancelled=True)
    changed = google.update(CAL, RemoteEvent(**{**created.__dict__, "title": "Stand-up",
                                                "overrides": (moved, cancelled)}))
    assert changed.etag != created.etag and changed.title == "Stand-up"
    with pytest.raises(EtagConflict):
        google.update(CAL, created)
    (pulled,) = google.changes(CAL, None).events
    assert set(pulled.overrides) == {
        RemoteOverride(moved.occurrence_start, start=moved.start, end=moved.start +
                       timedelta(minutes=15), title="Stand-up", location="", notes="",
                       all_day=False),
        cancelled,
    }


def test_deleting_what_is_gone_is_fine(google: GoogleCalendar,
                                       state: GoogleCalendarState) -> None:
    item = state.put(CAL, timed(datetime(2026, 12, 1, 9, tzinfo=BERLIN), summary="x"))
    with pytest.raises(EtagConflict):
        google.delete(CAL, item["id"], '"stale"')
    google.delete(CAL, item["id"], item["etag"])
    google.delete(CAL, item["id"], item["etag"])
    google.delete(CAL, "neverexisted", None)
    assert state.live(CAL) == []


def test_429_waits_as_google_asks_then_succeeds(google: GoogleCalendar, stub: ProviderStub,
                                                waits: list[float]) -> None:
    stub.fault("/events$", 429, headers={"Retry-After": "2"})
    batch = google.changes(CAL, None)
    assert waits == [2.0] and batch.requests == 2 and batch.cursor


def test_a_refused_token_is_refreshed(stub: ProviderStub) -> None:
    assert GoogleCalendar(StaticTokens("expired", "good"), base_url=stub.url).calendars()


def test_malformed_events_are_skipped_not_fatal(google: GoogleCalendar,
                                                state: GoogleCalendarState) -> None:
    state.put(CAL, {"summary": "No start", "end": {"date": "2026-12-02"}, "start": "?"})
    state.put(CAL, timed(datetime(2026, 12, 1, 9, tzinfo=UTC), summary="Mars"))
    mars = next(e for e in state.live(CAL) if e["summary"] == "Mars")
    mars["start"]["timeZone"] = "Mars/Olympus_Mons"
    state.put(CAL, timed(datetime(2026, 12, 1, 9, tzinfo=UTC), summary="Fine"))
    batch = google.changes(CAL, None)
    assert [e.title for e in batch.events] == ["Fine"]
    assert len(batch.skipped) == 2
    assert "'No start'" in batch.skipped[0] and "missing start" in batch.skipped[0]
    assert "unknown time zone 'Mars/Olympus_Mons'" in batch.skipped[1]


def test_read_only_calendars_refuse_writes(google: GoogleCalendar) -> None:
    event = RemoteEvent("", "x@aurelius", "x", datetime(2026, 12, 1, 9, tzinfo=UTC),
                        datetime(2026, 12, 1, 10, tzinfo=UTC))
    with pytest.raises(PermissionDenied, match="read"):
        google.create("team@group.calendar.google.com", event)


def test_all_day_and_dst_crossing_series_keep_their_zone(google: GoogleCalendar,
                                                         state: GoogleCalendarState) -> None:
    state.put(CAL, {"summary": "Holiday", "start": {"date": "2026-12-25"},
                    "end": {"date": "2026-12-27"}})
    first = datetime(2026, 10, 26, 9, tzinfo=NY)  # clocks go back on 1 November
    state.put(CAL, {**timed(first), "summary": "Gym", "recurrence": [
        "RRULE:FREQ=WEEKLY;COUNT=4", "EXDATE;TZID=America/New_York:20261109T090000",
        "RDATE:20261120T140000Z"]})
    events = {e.title: e for e in google.changes(CAL, None).events}
    holiday, gym = events["Holiday"], events["Gym"]
    assert holiday.all_day and holiday.timezone == "Europe/Berlin"
    assert (holiday.start, holiday.end) == (datetime(2026, 12, 25, tzinfo=BERLIN),
                                            datetime(2026, 12, 27, tzinfo=BERLIN))
    assert gym.timezone == "America/New_York" and gym.start == first
    (exdate,) = gym.overrides
    assert exdate.cancelled and exdate.occurrence_start == datetime(2026, 11, 9, 14, tzinfo=UTC)
    assert gym.rdates == ((datetime(2026, 11, 20, 14, tzinfo=UTC), None),)
    all_day = google.create(CAL, RemoteEvent("", "trip@aurelius", "Trip", holiday.start,
                                             holiday.start, timezone="Europe/Berlin",
                                             all_day=True))
    assert all_day.end == datetime(2026, 12, 26, tzinfo=BERLIN)


def test_an_update_leaves_what_aurelius_does_not_hold(google: GoogleCalendar,
                                                      state: GoogleCalendarState) -> None:
    guest = {"email": "sara@example.com", "responseStatus": "accepted"}
    reminders = {"useDefault": False, "overrides": [{"method": "popup", "minutes": 5}]}
    item = state.put(CAL, timed(datetime(2026, 12, 1, 9, tzinfo=BERLIN), summary="1:1",
                                attendees=[guest], reminders=reminders,
                                recurrence=["RRULE:FREQ=DAILY"]))
    (pulled,) = google.changes(CAL, None).events
    assert pulled.attendees == ("sara@example.com",)
    google.update(CAL, RemoteEvent(**{**pulled.__dict__, "title": "One to one",
                                      "recurrence": None}))
    stored = state.events[CAL][item["id"]]
    assert (stored["summary"], stored["recurrence"]) == ("One to one", [])
    assert stored["attendees"] == [guest] and stored["reminders"] == reminders
