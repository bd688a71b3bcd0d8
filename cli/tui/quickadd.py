"""Quick-add: read a line with the offline parser, preview it, create what it means.

The same reading and defaults as `aurelius task add` / `cal add` / `remind add`, applied to
the services the TUI was built with (not the CLI's process-wide ones).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from core.errors import Invalid

if TYPE_CHECKING:
    from aurelius.bootstrap import Services
    from core.nlu import Parsed

EVENT_MINUTES = 60  # an event given only a start lasts an hour, as in `aurelius cal add`
MORNING = time(9)  # a reminder given only a day rings at 09:00, as in `aurelius remind add`
TIME_SLOTS = ("due", "start", "end", "remind_at")
KINDS = {"task.add": "task", "event.add": "event", "reminder.add": "reminder"}


def understand(services: Services, text: str) -> Parsed:
    from core.nlu import parse

    settings = services.settings
    return parse(text, services.clock.now(), settings.timezone, dayfirst=settings.dayfirst)


def kind_of(parsed: Parsed) -> str:
    """What Enter would create: the parser's intent, or a task for anything else."""
    return KINDS.get(parsed.intent, "task")


def preview(services: Services, text: str) -> str:
    """One line saying how the text is understood, e.g. `task · due Wed 11 Mar 2026 · p1`."""
    from core.timeutil import format_when

    if not text.strip():
        return "Type a task, event or reminder, e.g. 'lunch with Sara friday 1pm for 90 minutes'"
    parsed = understand(services, text)
    tz = services.settings.timezone
    parts = [f"[b]{kind_of(parsed)}[/b] ({parsed.intent}, {parsed.confidence:.0%})"]
    parts.append(f"“{parsed.slots.get('title') or text.strip()}”")
    for name in TIME_SLOTS:
        value = parsed.slots.get(name)
        if isinstance(value, date):
            parts.append(f"{name.replace('_', ' ')} {format_when(value, tz)}")
    parts.extend(_extras(parsed.slots))
    return " · ".join(parts)


def _extras(slots: dict[str, Any]) -> list[str]:
    extras = []
    if slots.get("priority"):
        extras.append(f"p{slots['priority']}")
    if slots.get("tags"):
        extras.append(" ".join(f"#{tag}" for tag in slots["tags"]))
    if slots.get("project"):
        extras.append(f"project {slots['project']}")
    if slots.get("recurrence"):
        extras.append(f"repeats {slots['recurrence']}")
    return extras


def create(services: Services, user_id: int, text: str) -> str:
    """Create the task, event or reminder the text describes; say what was made."""
    if not text.strip():
        raise Invalid("Type something to add, e.g. 'Buy milk tomorrow p1'.")
    parsed = understand(services, text)
    slots: dict[str, Any] = dict(parsed.slots)
    title = str(slots.get("title") or text.strip())
    kind = kind_of(parsed)
    if kind == "event":
        return _event(services, user_id, title, slots)
    if kind == "reminder":
        return _reminder(services, user_id, title, slots)
    task = services.tasks.add(
        user_id,
        title,
        due=_first(slots, "due", "remind_at", "start"),
        priority=slots.get("priority") or 4,
        tags=slots.get("tags", []),
        project=slots.get("project"),
        recurrence_rule=slots.get("recurrence"),
    )
    return f"Added task #{task.id} {task.title}"


def _event(services: Services, user_id: int, title: str, slots: dict[str, Any]) -> str:
    from core.services.calendars import NewEvent
    from core.timeutil import add_elapsed, day_bounds

    start = _first(slots, "start", "due", "remind_at")
    if start is None:
        raise Invalid("When is it? Add a time, e.g. 'friday 1pm'.")
    if isinstance(start, datetime):
        end = slots.get("end")
        finish = end if isinstance(end, datetime) else add_elapsed(
            start, timedelta(minutes=EVENT_MINUTES)
        )
        new = NewEvent(title, start, finish, recurrence=slots.get("recurrence"),
                       attendees=tuple(slots.get("attendees", ())))
    else:
        new = NewEvent(title, *day_bounds(start, services.settings.timezone), all_day=True,
                       recurrence=slots.get("recurrence"))
    event = services.calendar.add(user_id, new)
    return f"Added event #{event.id} {event.title}"


def _reminder(services: Services, user_id: int, title: str, slots: dict[str, Any]) -> str:
    from core.timeutil import localize

    when = _first(slots, "remind_at", "due", "start")
    if when is None:
        raise Invalid("When should I remind you? Add a time, e.g. 'in 2 hours'.")
    at = when if isinstance(when, datetime) else localize(
        datetime.combine(when, MORNING), services.settings.timezone
    )
    reminder = services.reminders.add(user_id, title, at, recurrence_rule=slots.get("recurrence"))
    return f"Added reminder #{reminder.id} {reminder.title}"


def _first(slots: dict[str, Any], *names: str) -> date | datetime | None:
    for name in names:
        value = slots.get(name)
        if isinstance(value, date):
            return value
    return None
