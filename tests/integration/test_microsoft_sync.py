"""CalendarSync over the Microsoft adapter and the Graph stand-in, on SQLite and PostgreSQL:
the agenda shows the occurrences Outlook shows, after a full and an incremental sync."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from aurelius.bootstrap import Services
from core.services.connections import Link
from core.services.sync import CalendarSync
from tests.integration.graph_harness import BERLIN, FIRST, LA, Graph, outlook, running_graph


@pytest.fixture
def graph() -> Iterator[Graph]:
    with running_graph() as running:
        yield running


def agenda(
    services: Services, user_id: int, low: datetime, high: datetime
) -> list[tuple[str, datetime]]:
    found = services.calendar.agenda(user_id, low, high)
    return sorted((view.title, view.start.astimezone(UTC)) for view in found)


def test_the_agenda_shows_what_outlook_shows(
    services: Services, user_id: int, graph: Graph
) -> None:
    now = services.clock.now()
    master = graph.series()
    moved = FIRST + timedelta(weeks=2)
    late = moved + timedelta(hours=3)
    graph.state.change_occurrence(
        master, moved, start=late, end=late + timedelta(hours=1), subject="Stand-up (late)"
    )
    graph.state.cancel_occurrence(master, FIRST + timedelta(weeks=4))
    noon = datetime(2026, 6, 5, 12, tzinfo=LA)
    lunch = graph.state.add_event(graph.calendar, "Lunch", noon, noon + timedelta(hours=1),
                                  "Pacific Standard Time")  # fmt: skip
    day = datetime(2026, 5, 1, tzinfo=BERLIN)
    holiday = graph.state.add_event(graph.calendar, "Holiday", day, day + timedelta(days=1),
                                    "W. Europe Standard Time", all_day=True)  # fmt: skip
    account = Link("microsoft", "ada-id", "ada@contoso.com", ["Calendars.ReadWrite"], "oauth",
                   {"access_token": "graph-token"})  # fmt: skip
    connection_id = services.connections.link(user_id, account)
    engine = CalendarSync(services.db, services.clock, lambda _: graph.source(now, page_size=50))
    low, high = now - timedelta(days=365), now + timedelta(days=730)

    first = engine.sync_connection(connection_id)
    assert first.error is None and (first.calendars, first.added, first.skipped) == (1, 3, [])
    assert agenda(services, user_id, low, high) == outlook(graph, low, high)
    assert len(outlook(graph, low, high)) == 2 + 9  # two singles and nine occurrences

    graph.state.cancel_occurrence(master, FIRST + timedelta(weeks=6))
    graph.state.edit(lunch, subject="Lunch with Sara")
    graph.state.remove(holiday)
    second = engine.sync_connection(connection_id)
    assert second.error is None and not second.full
    assert (second.added, second.updated, second.removed) == (0, 2, 1)
    assert agenda(services, user_id, low, high) == outlook(graph, low, high)
    assert ("Lunch with Sara", noon.astimezone(UTC)) in agenda(services, user_id, low, high)


def test_changes_made_in_aurelius_reach_outlook_and_outlook_wins_a_conflict(
    services: Services, user_id: int, graph: Graph
) -> None:
    from core.services.calendars import NewEvent

    now = services.clock.now()
    account = Link("microsoft", "ada-id", "ada@contoso.com", ["Calendars.ReadWrite"], "oauth",
                   {"access_token": "graph-token"})  # fmt: skip
    connection_id = services.connections.link(user_id, account)
    engine = CalendarSync(services.db, services.clock, lambda _: graph.source(now, page_size=50))
    engine.sync_connection(connection_id)
    made = services.calendar.add(user_id, NewEvent(
        "Yoga", FIRST, FIRST + timedelta(hours=1), recurrence="FREQ=WEEKLY;COUNT=6",
        calendar="Calendar",
    ))  # fmt: skip
    assert engine.push_pending(connection_id) == 1
    (remote,) = graph.state.events.values()
    assert remote.zone == "W. Europe Standard Time" and remote.start == FIRST
    services.calendar.move(user_id, made.id, FIRST + timedelta(weeks=1), FIRST + timedelta(days=8))
    services.calendar.remove(user_id, made.id, FIRST + timedelta(weeks=5))  # after DST
    assert engine.push_pending(connection_id) == 1  # one pending write per event
    low, high = now - timedelta(days=365), now + timedelta(days=730)
    engine.sync_connection(connection_id)
    assert agenda(services, user_id, low, high) == outlook(graph, low, high)
    assert len(outlook(graph, low, high)) == 5 and len(graph.state.events) == 1

    graph.state.edit(remote.id, subject="Yoga (Outlook)")
    services.calendar.edit(user_id, made.id, title="Yoga (Aurelius)")
    report = engine.sync_connection(connection_id)
    assert len(report.conflicts) == 1 and remote.subject == "Yoga (Outlook)"
    assert {title for title, _ in agenda(services, user_id, low, high)} == {"Yoga (Outlook)"}
