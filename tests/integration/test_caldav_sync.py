"""The CalDAV adapter and the sync engine against a real Radicale, on SQLite and PostgreSQL:
both change-detection paths, a lost sync token, write-through merging, two users, jobs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from aurelius.adapters.caldav import CalDavCalendar
from aurelius.bootstrap import Services
from aurelius.workers import jobs, runtime
from core.errors import CursorExpired, PermissionDenied
from core.models import CalendarWrite, Event
from core.services.calendars import NewEvent
from core.services.connections import Link
from tests.conftest import NOW
from tests.stubs.radicale import DavUser, Radicale

SERIES = """BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//EN\r
BEGIN:VEVENT\r
UID:series-1\r
DTSTAMP:20260101T000000Z\r
DTSTART;TZID=Europe/Berlin:20260310T100000\r
DTEND;TZID=Europe/Berlin:20260310T110000\r
RRULE:FREQ=WEEKLY;COUNT=3\r
SUMMARY:{title}\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:series-1\r
DTSTAMP:20260101T000000Z\r
RECURRENCE-ID;TZID=Europe/Berlin:20260317T100000\r
DTSTART;TZID=Europe/Berlin:20260318T150000\r
DTEND;TZID=Europe/Berlin:20260318T160000\r
SUMMARY:{title} (Wednesday)\r
END:VEVENT\r
END:VCALENDAR\r
"""
# An event lasting twenty years: skipped, as the .ics reader skips it.
BROKEN = SERIES.replace("DTEND;TZID=Europe/Berlin:20260310T110000", "DTEND:20460310T110000Z")


def link(services: Services, user_id: int, dav: DavUser) -> int:
    return services.connections.link(
        user_id,
        Link("caldav", f"{dav.username}@{dav.url}", None, [], "password",
             {"password": dav.password}, server_url=dav.url, username=dav.username),
    )  # fmt: skip


def linked_events(services: Services, user_id: int) -> list[str]:
    with services.db.transaction() as session:
        return sorted(
            session.scalars(
                select(Event.title).where(Event.user_id == user_id, Event.calendar_id.is_not(None))
            )
        )


def agenda_titles(services: Services, user_id: int) -> list[str]:
    views = services.calendar.agenda(user_id, NOW - timedelta(days=1), NOW + timedelta(days=21))
    return [view.title for view in views]


@pytest.mark.parametrize("use_sync_collection", [True, False], ids=["sync-token", "ctag-etags"])
def test_full_and_incremental_pulls_agree_with_the_server(
    radicale: Radicale, use_sync_collection: bool
) -> None:
    dav = radicale.user()
    dav.put("series.ics", SERIES.format(title="Review"))
    dav.put("other.ics", SERIES.format(title="Other").replace("series-1", "other-1"))
    source = CalDavCalendar(dav.url, dav.username, dav.password,
                            use_sync_collection=use_sync_collection)  # fmt: skip
    [work] = source.calendars()
    first = source.changes(work.remote_id, None)
    assert first.complete and sorted(e.ical_uid for e in first.events) == ["other-1", "series-1"]
    review = next(e for e in first.events if e.ical_uid == "series-1")
    assert review.recurrence == "FREQ=WEEKLY;COUNT=3" and len(review.overrides) == 1
    dav.put("series.ics", SERIES.format(title="Review v2"))
    dav.delete(work.remote_id + "other.ics")
    source.calendars()  # a sync starts by listing: the ctag is fresh
    second = source.changes(work.remote_id, first.cursor)
    assert not second.complete and [e.title for e in second.events] == ["Review v2"]
    assert second.deleted == [work.remote_id + "other.ics"]
    source.calendars()
    assert source.changes(work.remote_id, second.cursor).events == []


def test_a_lost_sync_token_is_cursor_expired(radicale: Radicale) -> None:
    dav = radicale.user()
    source = CalDavCalendar(dav.url, dav.username, dav.password)
    [work] = source.calendars()
    with pytest.raises(CursorExpired):
        source.changes(work.remote_id, "sync:http://radicale.org/ns/sync/" + "0" * 64)


def test_sync_maps_series_with_exceptions_and_skips_the_malformed(
    services: Services, user_id: int, radicale: Radicale
) -> None:
    dav = radicale.user()
    dav.put("series.ics", SERIES.format(title="Review"))
    dav.put("broken.ics", BROKEN.replace("series-1", "broken-1"))
    report = services.sync.sync_connection(link(services, user_id, dav))
    assert (report.added, len(report.skipped)) == (1, 1) and "broken.ics" in report.skipped[0]
    assert agenda_titles(services, user_id) == ["Review", "Review (Wednesday)", "Review"]


def test_write_through_merges_changes_and_refuses_read_only_calendars(
    services: Services, user_id: int, radicale: Radicale
) -> None:
    dav = radicale.user()
    radicale.read_only_calendar(dav, SERIES.format(title="Holiday").replace("series-1", "h-1"))
    connection_id = link(services, user_id, dav)
    services.sync.sync_connection(connection_id)
    start = NOW + timedelta(days=1)
    new = NewEvent("Call", start, start + timedelta(minutes=30), calendar="Work")
    made = services.calendar.add(user_id, new)
    services.calendar.edit(user_id, made.id, title="Call Ana")  # still one create waiting
    with services.db.transaction() as session:
        assert session.scalars(select(CalendarWrite.action)).all() == ["create"]
    assert services.sync.push_pending(connection_id) == 1
    assert [t for t in dav.hrefs().values() if "SUMMARY:Call Ana" in t]
    services.calendar.remove(user_id, made.id)
    assert services.sync.push_pending(connection_id) == 1 and not dav.hrefs()
    with pytest.raises(PermissionDenied, match="read-only"):
        services.calendar.add(user_id, NewEvent("Mine", start, start + timedelta(hours=1),
                                                calendar="Holidays"))  # fmt: skip


def test_an_unreachable_server_keeps_the_write_waiting(
    services: Services, user_id: int, radicale: Radicale
) -> None:
    dav = radicale.user()
    connection_id = link(services, user_id, dav)
    services.sync.sync_connection(connection_id)
    start = NOW + timedelta(days=1)
    services.calendar.add(
        user_id, NewEvent("Gym", start, start + timedelta(hours=1), calendar="Work")
    )
    with services.db.transaction() as session:
        from core.models import Connection

        session.get(Connection, connection_id).server_url = "http://127.0.0.1:1/"  # type: ignore[union-attr]
    report = services.sync.sync_connection(connection_id)
    assert report.error and "cannot be reached" in report.error
    with services.db.transaction() as session:
        row = session.scalars(select(CalendarWrite)).one()
        assert row.attempts == 1 and row.next_attempt_at > NOW and "reached" in str(row.last_error)
    assert [c.pending_writes for c in services.connections.list(user_id)] == [1]


def test_two_users_never_see_each_others_calendars(
    services: Services, user_id: int, radicale: Radicale
) -> None:
    mine, theirs = radicale.user(), radicale.user()
    mine.put("a.ics", SERIES.format(title="Mine"))
    theirs.put("a.ics", SERIES.format(title="Theirs"))  # the same UID and href name
    other = services.users.ensure("cli", "someone-else", "Other", "Europe/Berlin")
    services.sync.sync_connection(link(services, user_id, mine))
    services.sync.sync_connection(link(services, other, theirs))
    assert set(agenda_titles(services, user_id)) == {"Mine", "Mine (Wednesday)"}
    assert set(agenda_titles(services, other)) == {"Theirs", "Theirs (Wednesday)"}
    assert [c.name for c in services.calendar.calendars(other)] == ["Local", "Work"]


def test_the_tick_queues_due_syncs_and_the_job_runs_them(
    services: Services, user_id: int, radicale: Radicale
) -> None:
    dav = radicale.user()
    dav.put("a.ics", SERIES.format(title="Planning"))
    connection_id = link(services, user_id, dav)
    queued: list[tuple[str, tuple[object, ...]]] = []

    class Recorder:
        def enqueue(self, function: str, *args: object, job_id: str | None = None) -> None:
            queued.append((function, args))

    services.queue = Recorder()
    runtime.use(services)
    try:
        jobs.tick()
        assert queued == [(jobs.SYNC, (connection_id,))]
        line = jobs.sync_connection(connection_id)
        assert "1 added" in line and jobs.sync_connection(connection_id).count("0 added") == 1
        queued.clear()
        jobs.tick()  # synced just now: nothing due
        assert queued == []
    finally:
        runtime.use(None)
    with services.db.transaction() as session:
        assert session.scalar(select(func.count(Event.id))) == 1
