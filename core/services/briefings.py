"""The daily brief: today's agenda with conflicts, tasks that need attention, reminders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from core.db import Database
from core.models import User
from core.ports import Note
from core.services.calendars import CalendarService
from core.services.reminders import ReminderService
from core.services.tasks import TaskService
from core.services.triage import MailBrief
from core.services.users import user_timezone
from core.services.views import EventView, ReminderView, TaskView
from core.timeutil import day_bounds, format_when, localize, zone

TOP = 3
TOP_MAIL = 5
Summarizer = Callable[[int, str], "str | None"]  # (user id, brief as text) -> two sentences
MailSections = Callable[[int], "MailBrief | None"]  # None: no mail account is connected


@dataclass(frozen=True)
class Brief:
    day: date
    timezone: str
    events: list[EventView]
    conflicts: list[tuple[EventView, EventView]]
    overdue: list[TaskView]
    due_today: list[TaskView]
    top: list[TaskView]
    reminders: list[ReminderView]
    summary: str | None = None
    mail: MailBrief | None = None


class BriefingService:
    def __init__(
        self,
        db: Database,
        tasks: TaskService,
        calendar: CalendarService,
        reminders: ReminderService,
        summarize: Summarizer | None = None,
        mail: MailSections | None = None,
    ) -> None:
        self.db = db
        self.tasks = tasks
        self.calendar = calendar
        self.reminders = reminders
        self.summarize = summarize
        self.mail = mail

    def build(self, user_id: int, day: date) -> Brief:
        with self.db.transaction() as session:
            tz = user_timezone(session, user_id)
        events = self.calendar.day(user_id, day)
        start, end = day_bounds(day, tz)
        pending = self.tasks.ranked(user_id)
        brief = Brief(
            day=day,
            timezone=tz,
            events=events,
            conflicts=_conflicts(events),
            overdue=[t for t in pending if _due_before(t, start)],
            due_today=[t for t in pending if _due_within(t, start, end)],
            top=pending[:TOP],
            reminders=[r for r in self.reminders.upcoming(user_id) if start <= r.remind_at < end],
            mail=self.mail(user_id) if self.mail else None,
        )
        if self.summarize is None:
            return brief
        summary = self.summarize(user_id, render(brief))
        return Brief(**{**brief.__dict__, "summary": summary})

    def note(self, user_id: int, now: datetime) -> Note:
        """Today's brief as a notification, for the scheduler."""
        with self.db.transaction() as session:
            tz = user_timezone(session, user_id)
        brief = self.build(user_id, now.astimezone(zone(tz)).date())
        return Note(
            title=f"Your brief for {format_when(brief.day, tz)}", body=render(brief), kind="brief"
        )


def brief_due(user: User, now: datetime) -> date | None:
    """The local day whose brief is due at `now` (its time has come, the day not over)."""
    if not user.brief_time:
        return None
    today = now.astimezone(zone(user.timezone)).date()
    due = localize(datetime.combine(today, time.fromisoformat(user.brief_time)), user.timezone)
    return today if now >= due else None


def render(brief: Brief) -> str:
    """The brief as plain text; every front end can show it as it is."""
    tz = brief.timezone
    lines = [f"Brief for {format_when(brief.day, tz)} ({tz})"]
    if brief.summary:
        lines += ["", brief.summary]
    lines += ["", "Agenda:"] + (
        [
            f"  {_clock(e.start, tz)}–{_clock(e.end, tz)}  {e.title}"
            + (f" @ {e.location}" if e.location else "")
            for e in brief.events
        ]
        or ["  nothing scheduled"]
    )
    lines += [f"  ! {a.title} overlaps {b.title}" for a, b in brief.conflicts]
    sections = [("Overdue", brief.overdue), ("Due today", brief.due_today)]
    for heading, tasks in sections:
        if tasks:
            lines += ["", f"{heading}:"] + [f"  #{t.id} {t.title}" for t in tasks]
    lines += ["", "Most urgent:"] + (
        [f"  #{t.id} {t.title}  ({_why(t)})" for t in brief.top] or ["  nothing to do"]
    )
    if brief.reminders:
        lines += ["", "Reminders:"] + [
            f"  {_clock(r.remind_at, tz)}  {r.title}" for r in brief.reminders
        ]
    return "\n".join(lines + _mail_lines(brief.mail, tz, brief.day))


def _mail_lines(mail: MailBrief | None, tz: str, day: date) -> list[str]:
    """"Mail that needs you" and "Waiting on others", when a mail account is connected."""
    if mail is None:
        return []
    lines = ["", f"Mail that needs you ({mail.needs_count}):"] + (
        [f"  #{m.id} {m.counterpart} — {m.summary}" for m in mail.needs_you[:TOP_MAIL]]
        or ["  nothing"]
    )
    lines += ["", f"Waiting on others ({len(mail.waiting)}):"] + (
        [f"  #{m.id} {m.counterpart}, since {_since(m.date, tz, day)} — {m.summary}"
         for m in mail.waiting[:TOP_MAIL]] or ["  nothing"]
    )
    return lines


def _since(moment: datetime | None, tz: str, day: date) -> str:
    """The local day it was sent ("Mon 9 Mar"; the year only when it is not the brief's)."""
    if moment is None:
        return "a while"
    brief_noon = localize(datetime.combine(day, time(12)), tz)
    return format_when(moment.astimezone(zone(tz)).date(), tz, brief_noon)


def _conflicts(events: list[EventView]) -> list[tuple[EventView, EventView]]:
    timed = sorted((e for e in events if not e.all_day), key=lambda e: e.start)
    return [(a, b) for i, a in enumerate(timed) for b in timed[i + 1 :] if b.start < a.end]


def _due_before(task: TaskView, start: datetime) -> bool:
    if isinstance(task.due, datetime):
        return task.due < start
    return task.due is not None and task.due < start.date()


def _due_within(task: TaskView, start: datetime, end: datetime) -> bool:
    if isinstance(task.due, datetime):
        return start <= task.due < end
    return task.due == start.date()


def _why(task: TaskView) -> str:
    terms = [t for t in task.urgency_terms if round(t.contribution, 1) > 0]
    return ", ".join(f"{t.name} {t.contribution:.1f}" for t in terms) or "no pressure"


def _clock(moment: datetime, tz: str) -> str:
    return f"{moment.astimezone(zone(tz)):%H:%M}"
