"""Driving the Microsoft adapter against the Graph stand-in, and what each side shows."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx

from aurelius.adapters.microsoft.calendar import MicrosoftCalendar
from core import recurrence
from core.ports import RemoteEvent
from tests.stubs.microsoft_graph import GraphState, install
from tests.stubs.microsoft_graph_items import tz
from tests.stubs.provider import ProviderStub

NOW = datetime(2026, 12, 2, 12, tzinfo=UTC)
BERLIN, LA = ZoneInfo("Europe/Berlin"), ZoneInfo("America/Los_Angeles")
WEEKLY = {
    "pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["monday"],
                "firstDayOfWeek": "sunday"},
    "range": {"type": "numbered", "startDate": "2027-03-01", "numberOfOccurrences": 10},
}  # fmt: skip
FIRST = datetime(2027, 3, 1, 9, tzinfo=BERLIN)  # the series crosses DST on 28 March 2027


class Tokens:
    def token(self) -> str:
        return "graph-token"

    def refreshed(self) -> str:
        return "graph-token"


@dataclass
class Graph:
    stub: ProviderStub
    state: GraphState
    calendar: str
    waits: list[float]

    def source(self, now: datetime = NOW, page_size: int = 3) -> MicrosoftCalendar:
        source = MicrosoftCalendar(
            Tokens(), base_url=self.stub.url, client=httpx.Client(), sleep=self.waits.append,
            now=lambda: now,
        )  # fmt: skip
        source.page_size = page_size  # small: several pages even for a small calendar
        return source

    def series(self) -> str:
        return self.state.add_event(
            self.calendar, "Stand-up", FIRST, FIRST + timedelta(minutes=30),
            "W. Europe Standard Time", recurrence=WEEKLY,
        )  # fmt: skip


@contextmanager
def running_graph() -> Iterator[Graph]:
    state = GraphState(tokens={"graph-token"})
    stub = ProviderStub()
    install(stub, state)
    stub.start()
    try:
        yield Graph(stub, state, state.add_calendar("Calendar", default=True), [])
    finally:
        stub.stop()


def agenda(events: list[RemoteEvent], low: datetime, high: datetime) -> list[tuple[str, datetime]]:
    """What `cal agenda` would show: singles, and each series expanded with its overrides."""
    shown = []
    for event in events:
        if not event.recurrence:
            shown.append((event.title, event.start))
            continue
        changes = {o.occurrence_start: o for o in event.overrides}
        for start in recurrence.occurrences(
            event.recurrence, event.start, event.timezone, low, high, event.end - event.start
        ):
            change = changes.get(start.astimezone(UTC))
            if change is None:
                shown.append((event.title, start))
            elif not change.cancelled:
                shown.append((change.title or event.title, change.start or start))
    return sorted((title, start.astimezone(UTC)) for title, start in shown)


def outlook(graph: Graph, low: datetime, high: datetime) -> list[tuple[str, datetime]]:
    """What Outlook shows in the same window, straight from the stand-in."""
    shown = []
    for item in graph.state.view(graph.calendar, low, high):
        wall = datetime.fromisoformat(item["start"]["dateTime"][:19])
        floating = tz(item["originalStartTimeZone"]) if item["isAllDay"] else UTC
        shown.append((item["subject"], wall.replace(tzinfo=floating).astimezone(UTC)))
    return sorted(shown)


def wire(graph: Graph) -> int:
    """Requests sent over HTTP (a batch is one, whatever it holds)."""
    return sum(1 for method, _ in graph.stub.log if not method.endswith("(batched)"))
