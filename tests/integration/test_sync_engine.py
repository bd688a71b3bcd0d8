"""The sync engine on a fake source at the CalendarSource port, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from aurelius.bootstrap import Services
from core.models import Connection, Event, EventException, LinkedCalendar
from core.ports import RemoteEvent, RemoteInstance, RemoteOverride
from core.services.connections import Link
from core.services.sync import CalendarSync
from tests.fakes import FakeCalendarSource

START = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def remote(remote_id: str, title: str = "Standup", **fields: object) -> RemoteEvent:
    values: dict[str, object] = {
        "remote_id": remote_id,
        "ical_uid": f"{remote_id}@provider",
        "title": title,
        "start": START,
        "end": START + timedelta(hours=1),
        "timezone": "Europe/Berlin",
    }
    values.update(fields)
    return RemoteEvent(**values)  # type: ignore[arg-type]


def link(services: Services, user_id: int, account: str = "me@dav") -> int:
    return services.connections.link(
        user_id,
        Link("caldav", account, None, [], "password", {"password": "pw"}, server_url="http://x"),
    )


@pytest.fixture
def fake() -> FakeCalendarSource:
    source = FakeCalendarSource()
    source.add_calendar("work", "Work")
    return source


@pytest.fixture
def engine(services: Services, fake: FakeCalendarSource) -> CalendarSync:
    return CalendarSync(services.db, services.clock, lambda connection: fake)


def mirrored(services: Services) -> dict[str, tuple[str, int]]:
    """remote id -> (title, number of occurrence changes) of every linked event."""
    with services.db.transaction() as session:
        rows = session.execute(
            select(Event.remote_id, Event.title, func.count(EventException.id))
            .outerjoin(EventException, EventException.event_id == Event.id)
            .where(Event.calendar_id.is_not(None))
            .group_by(Event.id)
        ).all()
        return {str(rid): (title, count) for rid, title, count in rows}


def test_full_then_incremental_sync_with_exceptions_and_deletions(
    services: Services, user_id: int, fake: FakeCalendarSource, engine: CalendarSync
) -> None:
    moved = RemoteOverride(
        START + timedelta(days=1),
        start=START + timedelta(days=1, hours=2),
        end=START + timedelta(days=1, hours=3),
    )
    fake.put("work", remote("a", recurrence="FREQ=DAILY;COUNT=5", overrides=(moved,)))
    fake.put("work", remote("b", "Lunch"))
    connection_id = link(services, user_id)

    first = engine.sync_connection(connection_id)
    assert (first.calendars, first.added, first.removed, first.full) == (1, 2, 0, False)
    assert mirrored(services) == {"a": ("Standup", 1), "b": ("Lunch", 0)}

    fake.put("work", remote("b", "Long lunch"))
    fake.remove("work", "a")
    fake.put_instance("work", RemoteInstance("c", RemoteOverride(START, cancelled=True), "c-1"))
    second = engine.sync_connection(connection_id)
    assert (second.added, second.updated, second.removed) == (0, 1, 1)
    assert mirrored(services) == {"b": ("Long lunch", 0)}

    again = engine.sync_connection(connection_id)
    assert (again.added, again.updated, again.removed, again.requests) == (0, 0, 0, 2)


def test_an_instance_arriving_apart_changes_its_series(
    services: Services, user_id: int, fake: FakeCalendarSource, engine: CalendarSync
) -> None:
    fake.put("work", remote("s", recurrence="FREQ=DAILY;COUNT=3"))
    connection_id = link(services, user_id)
    engine.sync_connection(connection_id)
    second_day = START + timedelta(days=1)
    fake.put_instance(
        "work", RemoteInstance("s", RemoteOverride(second_day, cancelled=True), "s_2")
    )
    engine.sync_connection(connection_id)
    agenda = services.calendar.agenda(
        user_id, START - timedelta(hours=1), START + timedelta(days=5)
    )
    assert [view.start for view in agenda] == [START, START + timedelta(days=2)]


def test_an_expired_cursor_costs_one_full_sync_that_converges(
    services: Services, user_id: int, fake: FakeCalendarSource, engine: CalendarSync
) -> None:
    fake.put("work", remote("a"))
    fake.put("work", remote("b"))
    connection_id = link(services, user_id)
    engine.sync_connection(connection_id)
    fake.remove("work", "a")
    fake.put("work", remote("c", "New"))
    fake.expire_cursors()
    report = engine.sync_connection(connection_id)
    assert report.full and (report.added, report.removed) == (1, 1)
    assert sorted(mirrored(services)) == ["b", "c"]
    assert fake.calls["changes"] == 3


def test_malformed_events_are_skipped_and_the_rest_syncs(
    services: Services, user_id: int, fake: FakeCalendarSource, engine: CalendarSync
) -> None:
    fake.put("work", remote("zone", timezone="Mars/Olympus"))
    fake.put("work", remote("rule", recurrence="FREQ=SOMETIMES"))
    fake.put("work", remote("naive", start=datetime(2026, 3, 10, 9), end=datetime(2026, 3, 10, 10)))
    fake.put("work", remote("good", "Fine"))
    report = engine.sync_connection(link(services, user_id))
    assert len(report.skipped) == 3 and report.added == 1
    assert "unknown time zone" in " ".join(report.skipped)
    assert mirrored(services) == {"good": ("Fine", 0)}


def test_a_revoked_grant_is_recorded_and_never_raised(
    services: Services, user_id: int, fake: FakeCalendarSource, engine: CalendarSync
) -> None:
    connection_id = link(services, user_id)
    fake.grant_gone = True
    report = engine.sync_connection(connection_id)
    assert report.error and "reconnect" in report.error
    with services.db.transaction() as session:
        row = session.get(Connection, connection_id)
        assert row is not None and row.last_error == report.error
        assert row.status == "needs_reauth"
    assert (
        engine.sync_connection(connection_id).error == "not synced: the connection is needs reauth"
    )


def test_a_calendar_gone_at_the_provider_goes_with_its_events(
    services: Services, user_id: int, fake: FakeCalendarSource, engine: CalendarSync
) -> None:
    fake.add_calendar("home", "Home")
    fake.put("home", remote("h"))
    fake.put("work", remote("w"))
    connection_id = link(services, user_id)
    engine.sync_connection(connection_id)
    del fake.calendars_["home"]
    report = engine.sync_connection(connection_id)
    assert (report.calendars, report.removed) == (1, 1)
    assert sorted(mirrored(services)) == ["w"]
    with services.db.transaction() as session:
        names = session.scalars(select(LinkedCalendar.name)).all()
    assert names == ["Work"]


def test_two_users_never_mixed(
    services: Services, user_id: int, fake: FakeCalendarSource, engine: CalendarSync
) -> None:
    other_source = FakeCalendarSource()
    other_source.add_calendar("work", "Work")
    other_source.put("work", remote("x", "Theirs"))
    fake.put("work", remote("x", "Mine"))
    other = services.users.ensure("cli", "other", "Other", "UTC")
    mine, theirs = link(services, user_id), link(services, other, "them@dav")
    sources = {mine: fake, theirs: other_source}
    both = CalendarSync(services.db, services.clock, lambda connection: sources[connection.id])
    both.sync_connection(mine)
    both.sync_connection(theirs)
    window = (START - timedelta(days=1), START + timedelta(days=1))
    assert [v.title for v in services.calendar.agenda(user_id, *window)] == ["Mine"]
    assert [v.title for v in services.calendar.agenda(other, *window)] == ["Theirs"]


def _outbox_create(services: Services, user_id: int, title: str) -> int:
    """A local event on the linked calendar with its create waiting in the outbox."""
    from core.models import CalendarWrite

    with services.db.transaction() as session:
        calendar = session.scalars(select(LinkedCalendar)).one()
        event = Event(
            user_id=user_id,
            calendar_id=calendar.id,
            uid=f"{title}@aurelius",
            title=title,
            start_at=START,
            end_at=START + timedelta(hours=1),
            timezone="Europe/Berlin",
            attendees=[],
            rdates=[],
        )
        session.add(event)
        session.flush()
        session.add(
            CalendarWrite(
                user_id=user_id,
                calendar_id=calendar.id,
                event_id=event.id,
                action="create",
                ical_uid=event.uid,
                next_attempt_at=START,
            )
        )
        return event.id


def test_pending_writes_wait_out_an_outage_and_a_retried_create_makes_one(
    services: Services, user_id: int, fake: FakeCalendarSource, engine: CalendarSync
) -> None:
    connection_id = link(services, user_id)
    engine.sync_connection(connection_id)
    _outbox_create(services, user_id, "Dentist")
    fake.down = True
    assert engine.push_pending(connection_id) == 0
    fake.down = False
    assert engine.push_pending(connection_id) == 0  # backed off: not due yet
    later = CalendarSync(
        services.db, type(services.clock)(START + timedelta(hours=1)), lambda connection: fake
    )
    assert later.push_pending(connection_id) == 1
    fake.create("work", replace_uid(fake, "Dentist@aurelius"))  # a retry after a lost reply
    assert [e.title for e in fake.events["work"].values()] == ["Dentist"]
    later.sync_connection(connection_id)
    assert list(mirrored(services).values()) == [("Dentist", 0)]


def replace_uid(fake: FakeCalendarSource, uid: str) -> RemoteEvent:
    return remote("again", "Dentist", ical_uid=uid)
