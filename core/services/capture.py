"""Capture: turn what someone typed (parser slots, plus explicit options) into a task, event
or reminder, with one set of defaults for every door (CLI, TUI).

Slots are the offline parser's (`core.nlu`): dates or aware datetimes under "due", "start",
"end", "remind_at", and "duration_minutes", "priority", "tags", "project", "recurrence",
"attendees", "title". A front end puts explicit option values over the parsed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from core.errors import Invalid
from core.services.calendars import CalendarService, NewEvent
from core.services.reminders import ReminderService
from core.services.tasks import TaskService
from core.services.views import EventView, ReminderView, TaskView
from core.timeutil import add_elapsed, day_bounds, localize

EVENT_MINUTES = 60  # an event given only a start lasts an hour
MORNING = time(9)  # a reminder given only a day rings at 09:00 local time
KINDS = {"task.add": "task", "event.add": "event", "reminder.add": "reminder"}

Slots = dict[str, Any]


def first_time(slots: Slots, *names: str) -> date | datetime | None:
    """The first of `names` that holds a date or datetime."""
    for name in names:
        value = slots.get(name)
        if isinstance(value, date):
            return value
    return None


def kind_for(intent: str) -> str:
    """What a quick-add line creates: the parser's intent, or a task for anything else."""
    return KINDS.get(intent, "task")


def event_times(slots: Slots, tz: str) -> tuple[datetime, datetime, bool]:
    """Start, end and all-day: a bare date is all day; an end, else a duration, else an hour."""
    start = first_time(slots, "start", "due", "remind_at")
    if start is None:
        raise Invalid("When is it? Give a time ('friday 1pm') or --start.")
    if not isinstance(start, datetime):
        return (*day_bounds(start, tz), True)
    end = slots.get("end")
    if isinstance(end, datetime):
        return start, end, False
    minutes = slots.get("duration_minutes") or EVENT_MINUTES
    return start, add_elapsed(start, timedelta(minutes=int(minutes))), False


def reminder_time(slots: Slots, tz: str) -> datetime:
    when = first_time(slots, "remind_at", "due", "start")
    if when is None:
        raise Invalid(
            "When should I remind you? Say it ('in 2 hours', 'tomorrow 9am') "
            "or add --at '2026-12-01 10:00'."
        )
    return when if isinstance(when, datetime) else localize(datetime.combine(when, MORNING), tz)


@dataclass(frozen=True)
class Capture:
    tasks: TaskService
    calendar: CalendarService
    reminders: ReminderService

    def task(self, user_id: int, text: str, slots: Slots, notes: str = "") -> TaskView:
        return self.tasks.add(
            user_id,
            _title(text, slots),
            due=first_time(slots, "due", "remind_at", "start"),
            priority=slots.get("priority") or 4,
            tags=list(slots.get("tags") or []),
            project=slots.get("project"),
            recurrence_rule=slots.get("recurrence"),
            notes=notes,
        )

    def event(
        self, user_id: int, text: str, slots: Slots, tz: str, calendar: str | None = None
    ) -> EventView:
        start, end, all_day = event_times(slots, tz)
        return self.calendar.add(
            user_id,
            NewEvent(
                title=_title(text, slots),
                start=start,
                end=end,
                all_day=all_day,
                location=slots.get("location"),
                attendees=tuple(slots.get("attendees") or ()),
                recurrence=slots.get("recurrence"),
                calendar=calendar,
            ),
        )

    def reminder(
        self, user_id: int, text: str, slots: Slots, tz: str, **flags: Any
    ) -> ReminderView:
        return self.reminders.add(
            user_id,
            _title(text, slots),
            reminder_time(slots, tz),
            recurrence_rule=slots.get("recurrence"),
            **flags,
        )

    def anything(
        self, user_id: int, text: str, intent: str, slots: Slots, tz: str
    ) -> TaskView | EventView | ReminderView:
        """Whatever the intent asks for (quick-add): an event, a reminder, else a task."""
        kind = kind_for(intent)
        if kind == "event":
            return self.event(user_id, text, slots, tz)
        if kind == "reminder":
            return self.reminder(user_id, text, slots, tz)
        return self.task(user_id, text, slots)


def _title(text: str, slots: Slots) -> str:
    return str(slots.get("title") or text.strip())
