"""What the TUI shows, gathered from the core services in one plain snapshot.

Everything here is synchronous and free of Textual: the app calls it from worker threads
and hands the frozen result to the UI thread in a message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aurelius.bootstrap import Services
    from core.services.tasks import TaskFilter
    from core.services.views import EventView, ReminderView, TaskView

REMINDER_LIMIT = 12  # the Today screen shows the next few; `aurelius remind list` has all


@dataclass(frozen=True)
class Snapshot:
    """Everything one paint of the main screen needs, read in one worker run."""

    now: datetime
    tz: str
    day: date
    days: int
    events: list[EventView]
    tasks: list[TaskView]
    reminders: list[ReminderView]
    spend_today: float
    connection: str
    conflicts: frozenset[int] = field(default_factory=frozenset)


def load(services: Services, user_id: int, day: date, days: int, where: TaskFilter) -> Snapshot:
    """Read the agenda for `days` days from `day`, the ranked tasks, reminders and spend."""
    from core.timeutil import day_bounds

    tz = services.settings.timezone
    start, _ = day_bounds(day, tz)
    _, end = day_bounds(day + timedelta(days=days - 1), tz)
    events = services.calendar.agenda(user_id, start, end)
    return Snapshot(
        now=services.clock.now(),
        tz=tz,
        day=day,
        days=days,
        events=events,
        tasks=services.tasks.ranked(user_id, where),
        reminders=services.reminders.upcoming(user_id)[:REMINDER_LIMIT],
        spend_today=spend_today(services, user_id),
        connection=connection(services),
        conflicts=conflicts(events),
    )


def conflicts(events: list[EventView]) -> frozenset[int]:
    """Indexes of timed events that overlap another one (all-day events never clash)."""
    timed = sorted(
        (index for index, event in enumerate(events) if not event.all_day),
        key=lambda index: events[index].start,
    )
    found: set[int] = set()
    for position, first in enumerate(timed):
        for second in timed[position + 1 :]:
            if events[second].start >= events[first].end:
                break
            found.update((first, second))
    return frozenset(found)


def spend_today(services: Services, user_id: int) -> float:
    from core.timeutil import day_bounds, local_today

    tz = services.settings.timezone
    midnight, _ = day_bounds(local_today(services.clock.now(), tz), tz)
    return sum(record.cost_usd for record in services.ai.meter.records(user_id, midnight))


def connection(services: Services) -> str:
    """'offline' without a remote model, else the providers the gateway may call."""
    providers = sorted(services.ai.gateway.providers)
    return ", ".join(providers) if providers else "offline"


def change_stamp(services: Services) -> float | None:
    """When the embedded SQLite file last changed, to notice writes by other processes.

    Only needed without Redis: the in-process bus cannot hear another process, so the app
    polls this cheap stat instead. None for server databases (their bus is Redis).
    """
    if services.settings.redis_url:
        return None
    url = services.settings.effective_database_url
    if not url.startswith("sqlite:///"):
        return None
    path = Path(url.removeprefix("sqlite:///").split("?", 1)[0])
    stamps = [p.stat().st_mtime for p in (path, path.with_name(path.name + "-wal")) if p.exists()]
    return max(stamps, default=None)
