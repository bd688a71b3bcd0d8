"""CalDAV end to end through the CLI against a real Radicale: connect, sync, agenda and free
time in the right zone, write-through with conflicts, read-only calendars, default calendar."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.conftest import Run, as_json
from tests.stubs.provider import ProviderStub
from tests.stubs.radicale import DavUser, Radicale

# Tuesday 10 March 2026 (the CLI's pinned "now"): a daily stand-up whose Wednesday occurrence
# moved to 11:00 and whose Thursday one is cancelled, and an all-day event on Wednesday.
STANDUP = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//Other client//EN\r
BEGIN:VEVENT\r
UID:standup-1\r
DTSTAMP:20260101T000000Z\r
DTSTART;TZID=America/New_York:20260310T040000\r
DTEND;TZID=America/New_York:20260310T043000\r
RRULE:FREQ=DAILY;COUNT=4\r
EXDATE;TZID=America/New_York:20260312T040000\r
SUMMARY:Standup\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:standup-1\r
DTSTAMP:20260101T000000Z\r
RECURRENCE-ID;TZID=America/New_York:20260311T040000\r
DTSTART;TZID=America/New_York:20260311T060000\r
DTEND;TZID=America/New_York:20260311T063000\r
SUMMARY:Standup (moved)\r
END:VEVENT\r
END:VCALENDAR\r
"""
OFFSITE = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//Other client//EN\r
BEGIN:VEVENT\r
UID:offsite-1\r
DTSTAMP:20260101T000000Z\r
DTSTART;VALUE=DATE:20260311\r
DTEND;VALUE=DATE:20260312\r
SUMMARY:Offsite\r
END:VEVENT\r
END:VCALENDAR\r
"""
HOLIDAY = OFFSITE.replace("offsite-1", "holiday-1").replace("Offsite", "Holiday")


@pytest.fixture
def dav(radicale: Radicale) -> DavUser:
    user = radicale.user()
    user.put("standup.ics", STANDUP)
    user.put("offsite.ics", OFFSITE)
    return user


def week(run: Run) -> list[dict[str, Any]]:
    events = as_json(run("cal", "agenda", "--week", "--json"))
    assert isinstance(events, list)
    return events


def connect(run: Run, user: DavUser, password: str | None = None, ok: bool = True) -> str:
    result = run(
        "connect", "caldav", user.url, "--username", user.username, "--password-stdin",
        input=(password or user.password) + "\n", ok=ok,
    )  # fmt: skip
    return result.output


def test_connect_syncs_and_the_agenda_shows_linked_events_in_the_users_zone(
    run: Run, dav: DavUser
) -> None:
    said = connect(run, dav)
    assert f"Connected CalDAV account {dav.username}" in said and "1 calendar(s)" in said
    assert "2 added" in said
    agenda = run("cal", "agenda", "--week").stdout
    assert "Tue 10 Mar 09:00 – 09:30" in agenda  # 04:00 New York is 09:00 Berlin
    assert "Wed 11 Mar 11:00 – 11:30" in agenda  # the moved occurrence
    assert "Thu 12 Mar" not in agenda.split("Standup")[-1] or "Fri 13 Mar 09:00" in agenda
    assert "Wed 11 Mar (all day)" in agenda and "Offsite" in agenda
    events = as_json(run("cal", "agenda", "--week", "--json"))
    assert isinstance(events, list)
    starts = [datetime.fromisoformat(e["start"]) for e in events if "Standup" in e["title"]]
    berlin = ZoneInfo("Europe/Berlin")
    assert starts == [datetime(2026, 3, day, hour, tzinfo=berlin) for day, hour in
                      ((10, 9), (11, 11), (13, 9))]  # fmt: skip
    assert {e["timezone"] for e in events if "Standup" in e["title"]} == {"America/New_York"}
    free = as_json(run("cal", "free", "--on", "2026-03-10", "--json"))
    assert isinstance(free, list)
    assert datetime.fromisoformat(free[0]["start"]) == datetime(2026, 3, 10, 9, 30, tzinfo=berlin)
    assert as_json(run("cal", "free", "--on", "2026-03-11", "--json")) == []  # all-day offsite


@pytest.mark.parametrize(
    ("address", "password", "expected"),
    [
        (None, "wrong-password", "refused the username or password"),
        ("ftp://dav.example.com/", None, "starts with https://"),
        ("http://127.0.0.1:1/", None, "cannot be reached"),
    ],
)
def test_a_failed_connect_is_one_line_and_saves_nothing(
    run: Run, dav: DavUser, address: str | None, password: str | None, expected: str
) -> None:
    user = DavUser(address or dav.url, dav.username, dav.password, dav.calendar)
    said = connect(run, user, password, ok=False)
    assert expected in said and len(said.strip().splitlines()) == 1
    assert "No linked account" in run("sync", ok=False).output


def test_a_server_that_is_not_caldav_is_refused(run: Run, dav: DavUser) -> None:
    other = ProviderStub().start()
    try:
        user = DavUser(other.url + "/", dav.username, dav.password, dav.calendar)
        said = connect(run, user, ok=False)
    finally:
        other.stop()
    assert "does not answer like a CalDAV server" in said
    assert "No linked account" in run("sync", ok=False).output


@pytest.fixture
def linked(run: Run, dav: DavUser, radicale: Radicale) -> Iterator[DavUser]:
    radicale.read_only_calendar(dav, HOLIDAY)
    connect(run, dav)
    yield dav


def test_calendars_lists_local_and_linked_with_access_and_default(
    run: Run, linked: DavUser
) -> None:
    found = as_json(run("cal", "calendars", "--json"))
    assert isinstance(found, list)
    rows = {(c["name"], c["provider"], c["writable"], c["default"]) for c in found}
    assert rows == {
        ("Local", "local", True, True),
        ("Work", "caldav", True, False),
        ("Holidays", "caldav", False, False),
    }
    run("config", "set", "default_calendar", "Work")
    table = run("cal", "calendars").stdout
    assert "read-only" in table and "default" in table.split("Work")[1].splitlines()[0]


def test_events_added_edited_moved_and_removed_reach_the_server(run: Run, linked: DavUser) -> None:
    added = as_json(run("cal", "add", "Lunch with Sara", "--start", "fri 13:00", "--calendar",
                        "Work", "--raw", "--json", "--yes"))  # fmt: skip
    assert isinstance(added, dict) and added["calendar_id"] is not None
    stored = [text for text in linked.hrefs().values() if "Lunch with Sara" in text]
    assert len(stored) == 1 and added["uid"] in stored[0]
    run("cal", "edit", str(added["id"]), "--title", "Lunch with Sara and Tom")
    run("cal", "move", str(added["id"]), "--to", "fri 14:00")
    texts = [t for t in linked.hrefs().values() if "Sara and Tom" in t]
    assert len(texts) == 1 and "DTSTART;TZID=Europe/Berlin:20260313T140000" in texts[0]
    run("cal", "rm", str(added["id"]))
    assert not [t for t in linked.hrefs().values() if "Sara" in t]
    assert "synced" in run("sync").stdout  # nothing left to send, nothing duplicated


def test_the_default_calendar_takes_new_events(run: Run, linked: DavUser) -> None:
    run("config", "set", "default_calendar", "Work")
    run("cal", "add", "Dentist", "--start", "thu 08:00", "--raw", "--yes")
    assert [t for t in linked.hrefs().values() if "Dentist" in t]
    run("config", "set", "default_calendar", "Nowhere")
    said = run("cal", "add", "Gym", "--start", "thu 18:00", "--raw", "--yes", ok=False).output
    assert "default_calendar setting names no calendar 'Nowhere'" in said


def test_a_read_only_calendar_refuses_writes(run: Run, linked: DavUser) -> None:
    said = run("cal", "add", "Party", "--start", "sat 20:00", "--calendar", "Holidays",
               "--raw", "--yes", ok=False).output  # fmt: skip
    assert "read-only" in said and len(said.strip().splitlines()) == 1
    holiday = next(e for e in week(run)
                   if e["title"] == "Holiday")  # fmt: skip
    said = run("cal", "edit", str(holiday["id"]), "--title", "Mine", ok=False).output
    assert "read-only" in said


def test_a_change_behind_aureliuss_back_wins_and_the_person_is_told(
    run: Run, linked: DavUser, database_url: str
) -> None:
    events = as_json(run("cal", "agenda", "--week", "--json"))
    assert isinstance(events, list)
    offsite = next(e for e in events if e["title"] == "Offsite")
    href = next(h for h, t in linked.hrefs().items() if "offsite-1" in t)
    linked.put(href.rsplit("/", 1)[1], OFFSITE.replace("Offsite", "Offsite (Room 4)"))
    said = run("cal", "edit", str(offsite["id"]), "--title", "Offsite moved online").output
    assert "provider's version was kept" in said
    titles = [e["title"] for e in week(run)]
    assert "Offsite (Room 4)" in titles and "Offsite moved online" not in titles
    assert "Offsite (Room 4)" in linked.hrefs()[href]
    # Told on their channel too, so a change pushed by a background job is not lost silently.
    with create_engine(database_url).connect() as connection:
        notes = connection.execute(
            text("SELECT payload FROM deliveries WHERE kind = 'conflict'")
        ).scalars().all()
    bodies = [(n if isinstance(n, dict) else json.loads(n))["body"] for n in notes]
    assert len(bodies) == 1 and "your change was not sent" in bodies[0]


def test_incremental_sync_brings_changes_and_deletions(run: Run, linked: DavUser) -> None:
    href = next(h for h, t in linked.hrefs().items() if "offsite-1" in t)
    linked.delete(href)
    linked.put("standup.ics", STANDUP.replace("COUNT=4", "COUNT=2"))
    said = run("sync").stdout
    assert "1 updated, 1 removed" in said
    titles = [e["title"] for e in week(run)]
    assert sorted(titles) == ["Holiday", "Standup", "Standup (moved)"]
    again = run("sync", "--full").stdout
    assert "full sync" in again and "0 added, 0 updated, 0 removed" in again
