"""The Microsoft Graph adapter, over httpx, against the loopback Graph stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from core.errors import AuthExpired, CursorExpired, EtagConflict, PermissionDenied
from core.ports import RemoteEvent, RemoteOverride, SyncBatch
from tests.integration.graph_harness import (
    BERLIN,
    FIRST,
    LA,
    NOW,
    WEEKLY,
    Graph,
    agenda,
    outlook,
    running_graph,
    wire,
)  # fmt: skip


@pytest.fixture
def graph() -> Iterator[Graph]:
    with running_graph() as running:
        yield running


def by_id(batch: SyncBatch) -> dict[str, RemoteEvent]:
    return {event.remote_id: event for event in batch.events}


def test_calendars_say_which_are_read_only_and_which_is_the_default(graph: Graph) -> None:
    shared = graph.state.add_calendar("Team (shared)", can_edit=False)
    found = {c.remote_id: c for c in graph.source().calendars()}
    assert found[graph.calendar].primary and found[graph.calendar].writable
    assert found[shared].name == "Team (shared)" and not found[shared].writable
    assert found[shared].colour == "#0078d4" and not found[shared].primary


def test_full_sync_maps_series_exceptions_zones_and_all_day_events(graph: Graph) -> None:
    master = graph.series()
    moved = FIRST + timedelta(weeks=2)
    graph.state.change_occurrence(
        master, moved, start=moved + timedelta(hours=1), end=moved + timedelta(hours=2),
        subject="Stand-up (late)",
    )  # fmt: skip
    graph.state.cancel_occurrence(master, FIRST + timedelta(weeks=4))
    lunch = datetime(2027, 1, 8, 12, tzinfo=LA)
    single = graph.state.add_event(graph.calendar, "Lunch", lunch, lunch + timedelta(hours=1),
                                   "Pacific Standard Time", location="Café")  # fmt: skip
    holiday = datetime(2027, 5, 1, tzinfo=BERLIN)
    day_off = graph.state.add_event(graph.calendar, "Holiday", holiday, holiday + timedelta(days=1),
                                    "W. Europe Standard Time", all_day=True)  # fmt: skip

    batch = graph.source().changes(graph.calendar, None)

    assert batch.complete and not batch.skipped and batch.cursor
    events = by_id(batch)
    series = events[master]
    assert series.recurrence == "FREQ=WEEKLY;BYDAY=MO;WKST=SU;COUNT=10"
    assert series.timezone == "Europe/Berlin" and series.start == FIRST
    assert [(o.occurrence_start, o.cancelled) for o in series.overrides] == [
        (moved.astimezone(UTC), False), ((FIRST + timedelta(weeks=4)).astimezone(UTC), True)
    ]  # fmt: skip
    assert series.overrides[0].title == "Stand-up (late)"
    assert events[single].timezone == "America/Los_Angeles" and events[single].start == lunch
    assert events[single].location == "Café"
    assert events[day_off].all_day and events[day_off].start == holiday
    assert events[day_off].end == datetime(2027, 5, 2, tzinfo=BERLIN)
    low, high = NOW - timedelta(days=365), NOW + timedelta(days=730)
    assert agenda(batch.events, low, high) == outlook(graph, low, high)
    # DST: every unmoved occurrence is at 09:00 in Berlin, 08:00Z before 28 March, 07:00Z after
    hours = {
        s.astimezone(BERLIN).hour for t, s in agenda(batch.events, low, high) if t == "Stand-up"
    }
    assert hours == {9}
    # one delta round in pages of 3 (10 items), then the master read in one batch
    assert batch.requests == wire(graph) == 5
    assert graph.stub.count("GET (batched)", f"/me/events/{master}$") == 1


def test_incremental_sync_returns_only_the_changes(graph: Graph) -> None:
    master = graph.series()
    start = datetime(2027, 1, 8, 12, tzinfo=UTC)
    kept = graph.state.add_event(graph.calendar, "Lunch", start, start + timedelta(hours=1))
    dropped = graph.state.add_event(graph.calendar, "Drinks", start, start + timedelta(hours=1))
    source = graph.source(page_size=50)
    first = source.changes(graph.calendar, None)

    graph.state.edit(kept, subject="Lunch with Sara")
    added = graph.state.add_event(graph.calendar, "Dentist", start, start + timedelta(hours=1))
    graph.state.remove(dropped)
    graph.state.cancel_occurrence(master, FIRST + timedelta(weeks=6))
    before = wire(graph)
    second = source.changes(graph.calendar, first.cursor)

    assert not second.complete and second.deleted == [dropped]
    events = by_id(second)
    assert set(events) == {kept, added, master}
    assert events[kept].title == "Lunch with Sara"
    assert [o.occurrence_start for o in events[master].overrides if o.cancelled] == [
        (FIRST + timedelta(weeks=6)).astimezone(UTC)
    ]
    assert second.requests == wire(graph) - before == 3  # delta + master batch + instances
    low, high = NOW - timedelta(days=365), NOW + timedelta(days=730)
    assert agenda([events[kept], events[added], events[master]], low, high) == outlook(
        graph, low, high
    )

    nothing = source.changes(graph.calendar, second.cursor)
    assert nothing.events == [] and nothing.deleted == [] and nothing.requests == 1


def test_a_deleted_series_is_reported_by_its_master_id(graph: Graph) -> None:
    master = graph.series()
    source = graph.source()
    cursor = source.changes(graph.calendar, None).cursor
    graph.state.remove(master)
    batch = source.changes(graph.calendar, cursor)
    assert batch.deleted == [master] and batch.events == []


def test_an_expired_delta_link_or_an_old_window_asks_for_a_full_sync(graph: Graph) -> None:
    graph.series()
    cursor = graph.source().changes(graph.calendar, None).cursor
    with pytest.raises(CursorExpired):
        graph.source(now=NOW + timedelta(days=40)).changes(graph.calendar, cursor)
    graph.state.invalidate()
    with pytest.raises(CursorExpired):
        graph.source().changes(graph.calendar, cursor)
    assert graph.source().changes(graph.calendar, None).complete


def test_throttling_waits_as_long_as_graph_asks(graph: Graph) -> None:
    master = graph.series()
    graph.stub.fault("calendarView/delta", 429, headers={"Retry-After": "7"})
    graph.stub.fault(f"/me/events/{master}$", 429, headers={"Retry-After": "2"})  # in the batch
    batch = graph.source().changes(graph.calendar, None)
    assert graph.waits == [7.0] and [e.remote_id for e in batch.events] == [master]
    assert graph.stub.count("GET", f"/me/events/{master}$") == 1  # read again on its own


def test_malformed_events_are_skipped_and_the_rest_synced(graph: Graph) -> None:
    graph.series()
    graph.state.raw[graph.calendar] = [
        {"id": "no-start", "type": "singleInstance", "subject": "?", "end": {"dateTime": "x"}},
        {"id": "mars", "type": "singleInstance", "subject": "?",
         "start": {"dateTime": "2027-01-01T10:00:00", "timeZone": "Mars Standard Time"},
         "end": {"dateTime": "2027-01-01T11:00:00", "timeZone": "Mars Standard Time"}},
    ]  # fmt: skip
    start = datetime(2027, 1, 4, 9, tzinfo=UTC)
    absurd = {"pattern": {"type": "daily", "interval": 500}, "range": {"type": "noEnd"}}
    graph.state.add_event(
        graph.calendar, "Odd", start, start + timedelta(hours=1), recurrence=absurd
    )
    batch = graph.source().changes(graph.calendar, None)
    assert [e.title for e in batch.events] == ["Stand-up"]
    reasons = " | ".join(batch.skipped)
    assert len(batch.skipped) == 3 and "start missing" in reasons
    assert "Mars Standard Time" in reasons and "interval 500" in reasons


def test_a_retried_create_makes_one_event_with_its_occurrence_changes(graph: Graph) -> None:
    event = RemoteEvent(
        remote_id="", ical_uid="aurelius-1@example", title="Yoga", start=FIRST,
        end=FIRST + timedelta(hours=1), timezone="Europe/Berlin",
        recurrence="FREQ=WEEKLY;BYDAY=MO;COUNT=10",
    )  # fmt: skip
    gone = RemoteOverride(
        occurrence_start=(FIRST + timedelta(weeks=1)).astimezone(UTC), cancelled=True
    )
    cancelled = replace(event, overrides=(gone,))
    made = graph.source().create(graph.calendar, cancelled)
    again = graph.source().create(graph.calendar, cancelled)
    assert made.remote_id == again.remote_id and len(graph.state.events) == 1
    stored = graph.state.events[made.remote_id]
    assert stored.zone == "W. Europe Standard Time" and stored.start == FIRST
    assert stored.recurrence["pattern"]["daysOfWeek"] == ["monday"]  # type: ignore[index]
    assert stored.changes == {(FIRST + timedelta(weeks=1)).astimezone(UTC): {"cancelled": True}}
    assert made.etag == graph.source().changes(graph.calendar, None).events[0].etag


def test_a_stale_etag_is_a_conflict_and_a_fresh_one_updates(graph: Graph) -> None:
    start = datetime(2027, 1, 8, 12, tzinfo=UTC)
    eid = graph.state.add_event(graph.calendar, "Lunch", start, start + timedelta(hours=1))
    pulled = graph.source().changes(graph.calendar, None).events[0]
    graph.state.edit(eid, subject="Lunch (moved by Outlook)")
    with pytest.raises(EtagConflict):
        graph.source().update(graph.calendar, replace(pulled, title="Mine"))
    fresh = graph.source().changes(graph.calendar, None).events[0]
    later = start + timedelta(days=1)
    done = graph.source().update(
        graph.calendar, replace(fresh, title="Mine", start=later, end=later + timedelta(hours=1))
    )
    assert graph.state.events[eid].subject == "Mine" and graph.state.events[eid].start == later
    assert done.etag != fresh.etag
    graph.source().delete(graph.calendar, eid, done.etag)
    graph.source().delete(graph.calendar, eid, done.etag)  # already gone: fine
    assert eid not in graph.state.events


def test_read_only_calendars_and_unknown_tokens_are_refused(graph: Graph) -> None:
    shared = graph.state.add_calendar("Holidays", can_edit=False)
    event = RemoteEvent(remote_id="", ical_uid="x@example", title="Nope", start=NOW, end=NOW)
    with pytest.raises(PermissionDenied, match="read-only"):
        graph.source().create(shared, event)
    graph.state.tokens.clear()
    with pytest.raises(AuthExpired):
        graph.source().calendars()


PATTERNS = [
    ({"type": "daily", "interval": 2}, {"type": "endDate", "endDate": "2027-04-20"}),
    ({"type": "weekly", "interval": 2, "daysOfWeek": ["tuesday", "thursday"],
      "firstDayOfWeek": "monday"}, {"type": "numbered", "numberOfOccurrences": 12}),
    ({"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31}, {"type": "noEnd"}),
    ({"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["friday"], "index": "last"},
     {"type": "numbered", "numberOfOccurrences": 8}),
    ({"type": "relativeMonthly", "interval": 3, "daysOfWeek": ["monday"], "index": "second"},
     {"type": "endDate", "endDate": "2028-12-31"}),
    ({"type": "absoluteYearly", "interval": 1, "month": 3, "dayOfMonth": 15}, {"type": "noEnd"}),
    ({"type": "relativeYearly", "interval": 1, "month": 11, "daysOfWeek": ["thursday"],
      "index": "fourth"}, {"type": "noEnd"}),
]  # fmt: skip


@pytest.mark.parametrize(("pattern", "span"), PATTERNS, ids=[p["type"] for p, _ in PATTERNS])
def test_every_outlook_pattern_gives_the_occurrences_outlook_shows(
    graph: Graph, pattern: dict[str, object], span: dict[str, object]
) -> None:
    start = datetime(2027, 1, 1, 18, 30, tzinfo=LA)
    rule = {"pattern": pattern, "range": {**span, "startDate": "2027-01-01"}}
    graph.state.add_event(graph.calendar, "Series", start, start + timedelta(hours=1),
                          "Pacific Standard Time", recurrence=rule)  # fmt: skip
    batch = graph.source(page_size=100).changes(graph.calendar, None)
    low, high = NOW - timedelta(days=365), NOW + timedelta(days=730)
    shown = agenda(batch.events, low, high)
    assert shown == outlook(graph, low, high) and len(shown) >= 2
    assert not any(o.cancelled for o in batch.events[0].overrides)


def test_an_all_day_series_with_a_cancelled_day(graph: Graph) -> None:
    first = datetime(2027, 6, 7, tzinfo=BERLIN)
    span = {"type": "numbered", "startDate": "2027-06-07", "numberOfOccurrences": 5}
    rule = {"pattern": {"type": "daily", "interval": 1}, "range": span}
    master = graph.state.add_event(
        graph.calendar, "Conference", first, first + timedelta(days=1),
        "W. Europe Standard Time", all_day=True, recurrence=rule,
    )  # fmt: skip
    graph.state.cancel_occurrence(master, first + timedelta(days=2))
    series = graph.source().changes(graph.calendar, None).events[0]
    assert series.all_day and series.start == first
    assert [(o.occurrence_start, o.cancelled) for o in series.overrides] == [
        ((first + timedelta(days=2)).astimezone(UTC), True)
    ]


def test_a_single_that_becomes_a_series_and_back_is_never_deleted(graph: Graph) -> None:
    eid = graph.state.add_event(graph.calendar, "Review", FIRST, FIRST + timedelta(hours=1),
                                "W. Europe Standard Time")  # fmt: skip
    source = graph.source()
    cursor = source.changes(graph.calendar, None).cursor
    graph.state.edit(eid, recurrence=WEEKLY)
    became = source.changes(graph.calendar, cursor)
    assert became.deleted == [] and [e.recurrence for e in became.events] == [
        "FREQ=WEEKLY;BYDAY=MO;WKST=SU;COUNT=10"
    ]
    graph.state.edit(eid, recurrence=None)
    back = source.changes(graph.calendar, became.cursor)
    assert back.deleted == [] and not back.skipped
    assert [(e.remote_id, e.recurrence) for e in back.events] == [(eid, None)]


def test_an_update_writes_a_moved_occurrence_to_that_occurrence(graph: Graph) -> None:
    master = graph.series()
    pulled = graph.source().changes(graph.calendar, None).events[0]
    original = FIRST + timedelta(weeks=5)  # after the DST change
    later = original + timedelta(hours=2)
    moved = RemoteOverride(
        occurrence_start=original.astimezone(UTC), start=later,
        end=later + timedelta(minutes=30), title="Stand-up (moved)",
    )  # fmt: skip
    done = graph.source().update(graph.calendar, replace(pulled, overrides=(moved,)))
    change = graph.state.events[master].changes[original.astimezone(UTC)]
    assert change["subject"] == "Stand-up (moved)" and change["start"] == later
    again = graph.source().changes(graph.calendar, None).events[0]
    assert again.etag == done.etag and [o.title for o in again.overrides] == ["Stand-up (moved)"]
