"""The assistant's tools: the same core services the CLI commands call.

Every result is JSON with a human `summary` (what the offline provider shows) and the
`items` front ends render. Tools that delete, send or invite are `destructive`: the
assistant holds them as pending actions until the user confirms.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

from core.ai.mail_tools import SPECS as MAIL_SPECS
from core.ai.mail_tools import MailTools
from core.ai.types import ToolSpec
from core.errors import Invalid, NotFound, UserError
from core.services.calendars import CalendarService, NewEvent
from core.services.reminders import ReminderService
from core.services.tasks import TaskFilter, TaskService
from core.timeutil import add_elapsed, day_bounds, format_when, local_today, localize

Args = dict[str, Any]
TIME = {"type": "string", "description": "ISO 8601; without an offset it is the user's local time"}


def _spec(name: str, description: str, required: tuple[str, ...] = (), **props: Any) -> ToolSpec:
    schema = {"type": "object", "properties": props, "required": list(required)}
    return ToolSpec(name, description, schema)


SPECS = (
    _spec(
        "list_tasks",
        "Open tasks, most urgent first.",
        search={"type": "string"},
        today={"type": "boolean"},
        overdue={"type": "boolean"},
    ),
    _spec(
        "add_task",
        "Add a task.",
        ("title",),
        title={"type": "string"},
        due=TIME,
        priority={"type": "integer", "minimum": 1, "maximum": 4},
        tags={"type": "array", "items": {"type": "string"}},
        project={"type": "string"},
    ),
    _spec(
        "complete_task",
        "Mark a task done, by id or by words of its title.",
        task_id={"type": "integer"},
        title={"type": "string"},
    ),
    _spec(
        "delete_task",
        "Delete a task (asks the user first).",
        ("task_id",),
        task_id={"type": "integer"},
    ),
    _spec(
        "list_events", "Calendar events between two times.", ("start", "end"), start=TIME, end=TIME
    ),
    _spec(
        "add_event",
        "Add a calendar event; with attendees it invites them (asks first).",
        ("title", "start"),
        title={"type": "string"},
        start=TIME,
        end=TIME,
        location={"type": "string"},
        attendees={"type": "array", "items": {"type": "string"}},
    ),
    _spec(
        "move_event",
        "Move an event to a new start, keeping its length.",
        ("event_id", "start"),
        event_id={"type": "integer"},
        start=TIME,
    ),
    _spec(
        "delete_event",
        "Delete an event (asks the user first).",
        ("event_id",),
        event_id={"type": "integer"},
    ),
    _spec(
        "free_slots",
        "Free time on a day within working hours, optionally only between two times.",
        ("date",),
        date={"type": "string", "description": "YYYY-MM-DD"},
        minutes={"type": "integer", "description": "shortest useful gap"},
        **{"from": TIME, "until": TIME},
    ),
    _spec(
        "add_reminder",
        "Remind the user at a time.",
        ("text", "at"),
        text={"type": "string"},
        at=TIME,
    ),
    _spec("list_reminders", "Scheduled reminders."),
    _spec("brief", "Today's agenda and the most urgent tasks."),
)


def data_kind(tool: str) -> str:
    """The kind of personal data a tool's result carries, for the egress log."""
    for word, kind in (
        ("email", "mail"),
        ("task", "tasks"),
        ("event", "events"),
        ("free", "events"),
        ("reminder", "reminders"),
    ):
        if word in tool:
            return kind
    return "tasks+events"


@dataclass(frozen=True)
class ToolOutcome:
    summary: str
    items: list[dict[str, Any]] = field(default_factory=list)
    data_kind: str | None = None
    error: bool = False
    data: str = ""
    """Outside text (mail) already quoted as data: the model then gets it and the items'
    ids, never the items' raw fields."""

    def content(self) -> str:
        if self.data:
            ids = [i["id"] for i in self.items if "id" in i]
            shown: dict[str, Any] = {"summary": self.summary, "ids": ids, "data": self.data}
            return json.dumps({**shown, "error": self.error}, ensure_ascii=False)
        return json.dumps(
            {"summary": self.summary, "items": self.items, "error": self.error}, ensure_ascii=False
        )


def is_destructive(name: str, arguments: Args) -> bool:
    return name in ("delete_task", "delete_event", "email.send") or (
        name == "add_event" and bool(arguments.get("attendees"))
    )


class Toolbox:
    def __init__(
        self, tasks: TaskService, calendar: CalendarService, reminders: ReminderService,
        mail: MailTools | None = None,
    ) -> None:
        self.tasks, self.calendar, self.reminders, self.mail = tasks, calendar, reminders, mail
        self._run: dict[str, Callable[[int, str, Args], ToolOutcome]] = {
            "list_tasks": self._list_tasks,
            "add_task": self._add_task,
            "complete_task": self._complete_task,
            "delete_task": self._delete_task,
            "list_events": self._list_events,
            "add_event": self._add_event,
            "move_event": self._move_event,
            "delete_event": self._delete_event,
            "free_slots": self._free_slots,
            "add_reminder": self._add_reminder,
            "list_reminders": self._list_reminders,
            "brief": self._brief,
        }

    @property
    def specs(self) -> tuple[ToolSpec, ...]:
        return SPECS + (MAIL_SPECS if self.mail else ())

    def run(self, user_id: int, tz: str, name: str, arguments: Args) -> ToolOutcome:
        """Run one tool; a mistake (bad id, bad time) comes back as a result the model
        can correct, not as an exception that ends the conversation."""
        mail = self.mail
        runner = self._run.get(name)
        if mail and name.startswith("email."):
            runner = lambda user, zone, args: mail.run(user, zone, name, args)  # noqa: E731
        if runner is None:
            return ToolOutcome(f"There is no tool named {name!r}.", error=True)
        try:
            outcome = runner(user_id, tz, arguments)
        except (UserError, KeyError, TypeError, ValueError) as exc:
            return ToolOutcome(f"{name} failed: {exc}", error=True)
        return replace(outcome, data_kind=data_kind(name))

    def refusal(self, name: str, arguments: Args, said: str) -> str | None:
        """Why a call the model asked for may not run at all (see `MailTools.refusal`)."""
        return self.mail.refusal(name, arguments, said) if self.mail else None

    def describe(self, tz: str, name: str, arguments: Args, user_id: int = 0) -> str:
        """What a destructive call would do, in words for the confirmation question."""
        if name == "email.send" and self.mail:
            return self.mail.describe(user_id, arguments)
        if name == "add_event":
            who = ", ".join(arguments.get("attendees", []))
            start = format_when(_when(arguments["start"], tz), tz)
            return f"add {arguments.get('title')!r} at {start} and invite {who}"
        target = "task" if name == "delete_task" else "event"
        return f"delete {target} #{arguments.get(f'{target}_id')}"

    def _list_tasks(self, user_id: int, tz: str, args: Args) -> ToolOutcome:
        where = TaskFilter(
            search=args.get("search"),
            today=bool(args.get("today")),
            overdue=bool(args.get("overdue")),
        )
        views = self.tasks.ranked(user_id, where)[:20]
        lines = [
            f"#{v.id} {v.title}" + (f" (due {format_when(v.due, tz)})" if v.due else "")
            for v in views
        ]
        return ToolOutcome("\n".join(lines) or "No open tasks.", [v.to_json() for v in views])

    def _add_task(self, user_id: int, tz: str, args: Args) -> ToolOutcome:
        due = _when(args["due"], tz) if args.get("due") else None
        view = self.tasks.add(
            user_id,
            args["title"],
            due=due,
            priority=int(args.get("priority") or 4),
            tags=list(args.get("tags") or []),
            project=args.get("project"),
            recurrence_rule=args.get("recurrence"),
        )
        due_text = f", due {format_when(view.due, tz)}" if view.due else ""
        return ToolOutcome(f"Added task #{view.id} {view.title}{due_text}.", [view.to_json()])

    def _complete_task(self, user_id: int, tz: str, args: Args) -> ToolOutcome:
        task_id = args.get("task_id") or self._task_by_title(user_id, str(args.get("title", "")))
        done = self.tasks.complete(user_id, int(task_id)).done
        return ToolOutcome(f"Completed task #{done.id} {done.title}.", [done.to_json()])

    def _task_by_title(self, user_id: int, words: str) -> int:
        matches = self.tasks.ranked(user_id, TaskFilter(search=words)) if words.strip() else []
        if len(matches) != 1:
            raise NotFound(f"{len(matches)} open tasks match {words!r}; give the task id.")
        return matches[0].id

    def _delete_task(self, user_id: int, tz: str, args: Args) -> ToolOutcome:
        view = self.tasks.remove(user_id, int(args["task_id"]))
        return ToolOutcome(f"Deleted task #{view.id} {view.title}.", [view.to_json()])

    def _list_events(self, user_id: int, tz: str, args: Args) -> ToolOutcome:
        start, end = _instant(args["start"], tz), _instant(args["end"], tz)
        views = self.calendar.agenda(user_id, start, end)[:50]
        lines = [f"#{v.id} {format_when(v.start, tz)} {v.title}" for v in views]
        return ToolOutcome("\n".join(lines) or "No events then.", [v.to_json() for v in views])

    def _add_event(self, user_id: int, tz: str, args: Args) -> ToolOutcome:
        start = _instant(args["start"], tz)
        end = (
            _instant(args["end"], tz) if args.get("end") else add_elapsed(start, timedelta(hours=1))
        )  # an event without an end: 1 h
        new = NewEvent(
            title=args["title"],
            start=start,
            end=end,
            location=args.get("location"),
            attendees=tuple(args.get("attendees") or ()),
        )
        view = self.calendar.add(user_id, new)
        summary = f"Added event #{view.id} {view.title} at {format_when(view.start, tz)}."
        return ToolOutcome(summary, [view.to_json()])

    def _move_event(self, user_id: int, tz: str, args: Args) -> ToolOutcome:
        view = self.calendar.move(user_id, int(args["event_id"]), None, _instant(args["start"], tz))
        summary = f"Moved event #{view.id} {view.title} to {format_when(view.start, tz)}."
        return ToolOutcome(summary, [view.to_json()])

    def _delete_event(self, user_id: int, tz: str, args: Args) -> ToolOutcome:
        return ToolOutcome(self.calendar.remove(user_id, int(args["event_id"])))

    def _free_slots(self, user_id: int, tz: str, args: Args) -> ToolOutcome:
        day = date.fromisoformat(str(args["date"])[:10])
        within = None
        if args.get("from") and args.get("until"):
            within = (_instant(args["from"], tz, hour=0), _instant(args["until"], tz, hour=0))
        slots = self.calendar.free(
            user_id, day, timedelta(minutes=int(args.get("minutes", 30))), within
        )
        lines = [
            f"{format_when(s.start, tz)} – {s.end.astimezone(s.start.tzinfo):%H:%M} "
            f"({s.minutes} min)"
            for s in slots
        ]
        return ToolOutcome(
            "\n".join(lines) or "No free time that day.", [s.to_json() for s in slots]
        )

    def _add_reminder(self, user_id: int, tz: str, args: Args) -> ToolOutcome:
        view = self.reminders.add(user_id, args["text"], _instant(args["at"], tz, hour=9))
        summary = f"Reminder #{view.id} {view.title!r} at {format_when(view.remind_at, tz)}."
        return ToolOutcome(summary, [view.to_json()])

    def _list_reminders(self, user_id: int, tz: str, args: Args) -> ToolOutcome:
        views = self.reminders.upcoming(user_id)[:20]
        lines = [f"#{v.id} {format_when(v.remind_at, tz)} {v.title}" for v in views]
        return ToolOutcome(
            "\n".join(lines) or "No reminders scheduled.", [v.to_json() for v in views]
        )

    def _brief(self, user_id: int, tz: str, args: Args) -> ToolOutcome:
        today = local_today(self.calendar.clock.now(), tz)
        events = self._list_events(
            user_id,
            tz,
            dict(
                zip(("start", "end"), (t.isoformat() for t in day_bounds(today, tz)), strict=True)
            ),
        )
        tasks = self._list_tasks(user_id, tz, {})
        summary = f"Today:\n{events.summary}\nMost urgent:\n{tasks.summary}"
        return ToolOutcome(summary, events.items + tasks.items[:5])


def _when(text: str, tz: str) -> date | datetime:
    """A date for 'YYYY-MM-DD', else an aware instant (naive means the user's zone)."""
    text = str(text).strip()
    if len(text) == 10:
        return date.fromisoformat(text)
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise Invalid(f"{text!r} is not an ISO 8601 time such as 2026-03-12T14:00.") from None
    return moment if moment.tzinfo else localize(moment, tz)


def _instant(text: str, tz: str, hour: int = 0) -> datetime:
    value = _when(text, tz)
    if isinstance(value, datetime):
        return value
    return localize(datetime.combine(value, datetime.min.time()).replace(hour=hour), tz)
