"""Google Calendar sync against the loopback Calendar v3 stand-in: initial and incremental.

    python benchmarks/sync.py [--events 5000] [--series 500] [--exceptions 100] [--changes 50]
                              [--database-url URL] [--adapter-only]

The real path: `CalendarSync.sync_connection` over the Google adapter (httpx) into SQLite (a
fresh file) or the PostgreSQL at `--database-url` (migrated first). Requests count the
calendarList call too. `--adapter-only` measures `GoogleCalendar.changes` alone (HTTP and
JSON mapping, no database), to see where the time goes.

The calendar holds `--events` events, `--series` of them weekly series, with `--exceptions`
moved or cancelled occurrences. The initial sync reads it all; then `--changes` changes
happen at Google (edits, additions, moved and cancelled occurrences, deletions, edited
series) and the incremental sync reads them. Prints wall time, HTTP requests and events/s
against the targets (initial <= 10 s; incremental <= 1 s in <= 3 requests).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aurelius.adapters.google import GoogleCalendar
from core.ports import SyncBatch
from tests.stubs.google_calendar import GoogleCalendarState, StaticTokens, serving

CAL = "bench@example.com"
ZONE = "Europe/Berlin"
FIRST = datetime(2026, 1, 5, 7, tzinfo=UTC)
INITIAL, LATER = "<= 10 s", "<= 1 s in <= 3 requests"


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
    """`count` changes at Google: 40% edits, 20% new events, 20% cancelled occurrences,
    16% deletions, 2% series edited as a whole, the rest edits."""
    plan = [(0.40, lambda n: state.put(CAL, {**singles[n], "summary": f"Edited {n}"})),
            (0.20, lambda n: state.put(CAL, timed(FIRST + timedelta(minutes=n), summary="New"))),
            (0.20, lambda n: occurrence(state, masters[-1 - n], 5, status="cancelled")),
            (0.16, lambda n: state.remove(CAL, singles[-1 - n]["id"])),
            (0.02, lambda n: state.put(CAL, {**masters[n], "summary": "Renamed"}))]
    done = 0
    for share, act in plan:
        for n in range(round(share * count)):
            act(n)
            done += 1
    for n in range(count - done):  # rounding: the rest are edits
        state.put(CAL, {**singles[-1000 - n], "summary": "Edited"})


def measure(step: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = step()
    return time.perf_counter() - started, result


def line(name: str, seconds: float, requests: int, events: int, detail: str,
         target: str) -> None:
    print(f"{name:<12} {seconds:6.2f} s  {requests:3d} requests  {events:6,d} events  "
          f"{events / seconds:8,.0f} events/s  ({detail})  target: {target}")


def adapter_only(google: GoogleCalendar, apply_changes: Callable[[], None]) -> None:
    print("Google Calendar sync, adapter only: HTTP + JSON mapping, no database writes")
    seconds, first = measure(lambda: google.changes(CAL, None))
    _batch_line("initial", seconds, first, INITIAL)
    apply_changes()
    seconds, second = measure(lambda: google.changes(CAL, first.cursor))
    _batch_line("incremental", seconds, second, LATER)


def _batch_line(name: str, seconds: float, batch: SyncBatch, target: str) -> None:
    events = len(batch.events) + len(batch.instances) + len(batch.deleted)
    overrides = sum(len(e.overrides) for e in batch.events)
    line(name, seconds, batch.requests, events,
         f"{overrides} overrides, {len(batch.skipped)} skipped", target)


def with_engine(google: GoogleCalendar, apply_changes: Callable[[], None],
                database_url: str | None) -> None:
    from aurelius.bootstrap import build_services
    from core.services.connections import Link
    from core.services.sync import CalendarSync

    os.environ["AURELIUS_HOME"] = tempfile.mkdtemp(prefix="aurelius-sync-bench-")
    if database_url:
        from sqlalchemy import create_engine

        from aurelius.migrate import upgrade

        os.environ["AURELIUS_DATABASE_URL"] = database_url
        upgrade(create_engine(database_url))
    services = build_services()
    where = "PostgreSQL" if database_url else "SQLite"
    print(f"Google Calendar sync through core.services.sync.CalendarSync into {where}")
    link = Link("google", f"bench-{uuid.uuid4().hex}", CAL, ["calendar"], "oauth",
                {"access_token": "bench"})
    connection_id = services.connections.link(services.local_user_id(), link)
    engine = CalendarSync(services.db, services.clock, lambda connection: google)
    seconds, report = measure(lambda: engine.sync_connection(connection_id, full=True))
    _report_line("initial", seconds, report, INITIAL)
    apply_changes()
    seconds, report = measure(lambda: engine.sync_connection(connection_id))
    _report_line("incremental", seconds, report, LATER)
    services.close()


def _report_line(name: str, seconds: float, report: Any, target: str) -> None:
    if report.error:
        raise SystemExit(f"sync failed: {report.error}")
    line(name, seconds, report.requests, report.added + report.updated + report.removed,
         f"{report.added} added, {report.updated} updated, {report.removed} removed, "
         f"{len(report.skipped)} skipped", target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--series", type=int, default=500)
    parser.add_argument("--exceptions", type=int, default=100)
    parser.add_argument("--changes", type=int, default=50)
    parser.add_argument("--database-url", help="PostgreSQL URL (default: a fresh SQLite file)")
    parser.add_argument("--adapter-only", action="store_true", help="no engine, no database")
    args = parser.parse_args()
    state = GoogleCalendarState(tokens={"bench"})
    singles, masters = seed(state, args.events, args.series, args.exceptions)
    with serving(state) as stub:
        google = GoogleCalendar(StaticTokens("bench"), base_url=stub.url)
        apply_changes = lambda: change(state, singles, masters, args.changes)  # noqa: E731
        if args.adapter_only:
            adapter_only(google, apply_changes)
        else:
            with_engine(google, apply_changes, args.database_url)

if __name__ == "__main__":
    main()
