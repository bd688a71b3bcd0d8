"""Google Calendar sync against the loopback Calendar v3 stand-in: initial and incremental.

    python benchmarks/sync.py [--events 5000] [--series 500] [--exceptions 100] [--changes 50]
                              [--database-url URL]

The calendar holds `--events` events, `--series` of them weekly series, with `--exceptions`
moved or cancelled occurrences. The initial sync reads it all; then `--changes` changes
happen at Google (edits, additions, moved and cancelled occurrences, deletions, edited
series) and the incremental sync reads them. Prints wall time, HTTP requests and events/s
against the targets (initial <= 10 s; incremental <= 1 s in <= 3 requests).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aurelius.adapters.google import GoogleCalendar
from core.ports import SyncBatch
from tests.stubs.google_calendar import GoogleCalendarState, install
from tests.stubs.provider import ProviderStub

CAL = "bench@example.com"
ZONE = "Europe/Berlin"
FIRST = datetime(2026, 1, 5, 7, tzinfo=UTC)


class Tokens:
    def token(self) -> str:
        return "bench"

    def refreshed(self) -> str:
        return "bench"


def timed(start: datetime, **extra: Any) -> dict[str, Any]:
    end = start + timedelta(hours=1)
    return {"start": {"dateTime": start.isoformat(), "timeZone": ZONE},
            "end": {"dateTime": end.isoformat(), "timeZone": ZONE}, **extra}


def seed(state: GoogleCalendarState, events: int, series: int,
         exceptions: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The calendar as Google holds it: (single events, series masters)."""
    state.add_calendar(CAL, "Bench", primary=True, time_zone=ZONE)
    singles = [state.put(CAL, timed(FIRST + timedelta(hours=5 * n), summary=f"Event {n}",
                                    location="Room 1", description="Agenda"))
               for n in range(events - series)]
    masters = [state.put(CAL, timed(FIRST + timedelta(hours=3 * n), summary=f"Series {n}",
                                    recurrence=["RRULE:FREQ=WEEKLY;COUNT=52"]))
               for n in range(series)]
    for n in range(exceptions):
        change = {"status": "cancelled"} if n % 2 else {"summary": "Moved"}
        occurrence(state, masters[n % series], weeks=1 + n // series, **change)
    return singles, masters


def occurrence(state: GoogleCalendarState, master: dict[str, Any], weeks: int,
               **change: Any) -> None:
    original = datetime.fromisoformat(master["start"]["dateTime"]) + timedelta(weeks=weeks)
    instance = state.instance(CAL, f"{master['id']}_{original.astimezone(UTC):%Y%m%dT%H%M%SZ}")
    assert instance is not None
    state.put(CAL, {**instance, **change})


def change(state: GoogleCalendarState, singles: list[dict[str, Any]],
           masters: list[dict[str, Any]], count: int) -> None:
    """`count` changes at Google: 40% edits, 20% new events, 20% moved or cancelled
    occurrences, 16% deletions, 4% edited series."""
    plan = [(0.40, lambda n: state.put(CAL, {**singles[n], "summary": f"Edited {n}"})),
            (0.20, lambda n: state.put(CAL, timed(FIRST + timedelta(minutes=n), summary="New"))),
            (0.20, lambda n: occurrence(state, masters[-1 - n], 5, status="cancelled")),
            (0.16, lambda n: state.remove(CAL, singles[-1 - n]["id"])),
            (0.04, lambda n: state.put(CAL, {**masters[n + 100], "summary": "Renamed"}))]
    done = 0
    for share, act in plan:
        for n in range(round(share * count)):
            act(n)
            done += 1
    for n in range(count - done):  # rounding: the rest are edits
        state.put(CAL, {**singles[-1000 - n], "summary": "Edited"})


def measure(step: Callable[[], SyncBatch]) -> tuple[float, SyncBatch]:
    started = time.perf_counter()
    batch = step()
    return time.perf_counter() - started, batch


def report(name: str, seconds: float, batch: SyncBatch, target: str) -> None:
    events = len(batch.events) + len(batch.instances) + len(batch.deleted)
    overrides = sum(len(e.overrides) for e in batch.events)
    print(f"{name:<12} {seconds:6.2f} s  {batch.requests:3d} requests  {events:6,d} events "
          f"({overrides} overrides, {len(batch.skipped)} skipped)  "
          f"{events / seconds:8,.0f} events/s   target: {target}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--exceptions", type=int, default=100)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--database-url", help="(for the engine run; SQLite by default)")
    args = parser.parse_args()
    state = GoogleCalendarState(tokens={"bench"})
    singles, masters = seed(state, args.events, args.series, args.exceptions)
    stub = ProviderStub()
    install(stub, state)
    stub.start()
    try:
        google = GoogleCalendar(Tokens(), base_url=stub.url)
        print("Google Calendar sync, adapter only (core.services.sync is not on main yet): "
              "HTTP + JSON mapping, no database writes")
        seconds, first = measure(lambda: google.changes(CAL, None))
        report("initial", seconds, first, "<= 10 s")
        change(state, singles, masters, args.changes)
        seconds, second = measure(lambda: google.changes(CAL, first.cursor))
        report("incremental", seconds, second, "<= 1 s in <= 3 requests")
    finally:
        stub.stop()


if __name__ == "__main__":
    main()
