"""The three lists of the Today screen: agenda timeline, tasks by urgency, reminders.

Each is a DataTable filled from a Snapshot by the UI thread; row keys carry ids so that
actions can find what the cursor is on.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable

from cli.tui.safe import plain

if TYPE_CHECKING:
    from cli.tui.data import Snapshot
    from core.services.views import EventView, ReminderView, TaskView

PRIORITY_STYLES = {1: "bold red", 2: "bold yellow", 3: "cyan", 4: "dim"}


def when(value: date | datetime | None, tz: str, now: datetime) -> str:
    """Weekday, date and time in the user's zone; the zone itself is in the panel title."""
    from core.timeutil import format_when

    if value is None:
        return ""
    return format_when(value, tz, now).removesuffix(f" {tz}")


def clock(value: datetime, tz: str) -> str:
    from core.timeutil import zone

    return f"{value.astimezone(zone(tz)):%H:%M}"


class Panel(DataTable[Text | str]):
    """A DataTable that keeps the cursor on the same row key across refills.

    Measuring a thousand rows takes a DataTable ~0.4 s, so a refill paints the first screenful
    at once and adds the rest in chunks on later ticks: the screen is usable immediately.
    """

    FIRST = 60
    CHUNK = 200
    generation = 0

    def refill(self, rows: list[tuple[str, list[Text | str]]]) -> None:
        keep = self.current_key()
        self.generation += 1
        self.clear()
        self._add(rows[: self.FIRST])
        keys = [key for key, _ in rows]
        if keep in keys[: self.FIRST]:
            self.move_cursor(row=keys.index(keep), animate=False)
        if len(rows) > self.FIRST:
            self.set_timer(0.05, lambda: self._more(rows, self.FIRST, self.generation))

    def _more(self, rows: list[tuple[str, list[Text | str]]], start: int, generation: int) -> None:
        if generation != self.generation:  # a newer refill replaced these rows
            return
        self._add(rows[start : start + self.CHUNK])
        if start + self.CHUNK < len(rows):
            self.set_timer(0.01, lambda: self._more(rows, start + self.CHUNK, generation))

    def _add(self, rows: list[tuple[str, list[Text | str]]]) -> None:
        for key, cells in rows:
            self.add_row(*cells, key=key)

    def current_key(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value


class AgendaTable(Panel):
    """The day (or week) as a timeline: a now-line, clashing events in red, ↻ for repeats."""

    def on_mount(self) -> None:
        self.add_columns("Time", "Event")
        self.cursor_type = "row"

    def show(self, snap: Snapshot) -> None:
        self.border_title = _agenda_title(snap)
        self.refill(agenda_rows(snap))

    def event_at_cursor(self, snap: Snapshot) -> EventView | None:
        key = self.current_key() or ""
        return snap.events[int(key[2:])] if key.startswith("e:") else None


def _agenda_title(snap: Snapshot) -> str:
    if snap.days == 1:
        return f"Agenda · {snap.day:%a %d %b %Y} · {snap.tz}"
    last = snap.day + timedelta(days=snap.days - 1)
    return f"Week · {snap.day:%a %d %b} – {last:%a %d %b %Y} · {snap.tz}"


def agenda_rows(snap: Snapshot) -> list[tuple[str, list[Text | str]]]:
    from core.timeutil import zone

    rows: list[tuple[str, list[Text | str]]] = []
    local_now = snap.now.astimezone(zone(snap.tz))
    now_drawn = snap.days == 1 and local_now.date() != snap.day  # only today has a now-line
    for offset in range(snap.days):
        day = snap.day + timedelta(days=offset)
        if snap.days > 1:
            rows.append((f"h:{day}", [Text(f"{day:%a %d}", style="bold"), ""]))
        for index, event in enumerate(snap.events):
            if event.start.astimezone(zone(snap.tz)).date() != day and not _spans(event, day):
                continue
            if not now_drawn and day == local_now.date() and event.start >= snap.now:
                rows.append(_now_row(snap))
                now_drawn = True
            rows.append((f"e:{index}", _event_cells(snap, index, event)))
        if not now_drawn and day == local_now.date():
            rows.append(_now_row(snap))
            now_drawn = True
    return rows


def _spans(event: EventView, day: date) -> bool:
    """A multi-day event also shows on the days it runs through."""
    return event.start.date() < day < event.end.date()


def _now_row(snap: Snapshot) -> tuple[str, list[Text | str]]:
    stamp = clock(snap.now, snap.tz)
    line = Text("─" * 22 + " now", style="magenta")
    return "now", [Text(f"▶ {stamp}", style="bold magenta"), line]


def _event_cells(snap: Snapshot, index: int, event: EventView) -> list[Text | str]:
    start, end = clock(event.start, snap.tz), clock(event.end, snap.tz)
    span = "all day" if event.all_day else f"{start}–{end}"
    title = plain(event.title) + (" ↻" if event.recurrence else "")
    if event.location:
        title += f" @ {plain(event.location)}"
    if index in snap.conflicts:
        return [Text(span, style="bold red"), Text(f"⚠ {title}", style="bold red")]
    past = not event.all_day and event.end <= snap.now
    return [Text(span, style="dim" if past else ""), Text(title, style="dim" if past else "")]


class TaskTable(Panel):
    def on_mount(self) -> None:
        self.add_columns("#", "P", "Task", "Due", "Tags · project", "Urg")
        self.cursor_type = "row"

    def show(self, snap: Snapshot, label: str) -> None:
        self.border_title = f"Tasks · {label} · {len(snap.tasks)}"
        self.refill([(str(task.id), task_cells(task, snap)) for task in snap.tasks])

    def task_id(self) -> int | None:
        key = self.current_key()
        return int(key) if key else None


def task_cells(task: TaskView, snap: Snapshot) -> list[Text | str]:
    due = when(task.due, snap.tz, snap.now)
    overdue = _overdue(task, snap)
    return [
        str(task.id),
        Text(f"p{task.priority}", style=PRIORITY_STYLES.get(task.priority, "")),
        Text(plain(task.title)),
        Text(due, style="bold red" if overdue else ""),
        _labels(task),
        f"{task.urgency:.1f}",
    ]


def _labels(task: TaskView) -> Text:
    labels = Text(" ".join(f"#{plain(tag)}" for tag in task.tags), style="green")
    if task.project:
        labels.append((" " if task.tags else "") + f"+{plain(task.project)}", style="blue")
    return labels


def _overdue(task: TaskView, snap: Snapshot) -> bool:
    from core.timeutil import local_today

    if isinstance(task.due, datetime):
        return task.due < snap.now
    return task.due is not None and task.due < local_today(snap.now, snap.tz)


class ReminderTable(Panel):
    def on_mount(self) -> None:
        self.add_columns("When", "Reminder")
        self.cursor_type = "row"

    def show(self, snap: Snapshot) -> None:
        # A past one still shows (in yellow, waiting for `aurelius run`) but is not upcoming.
        upcoming = sum(r.remind_at > snap.now for r in snap.reminders)
        self.border_title = f"Reminders · {upcoming} upcoming"
        self.refill([(str(r.id), reminder_cells(r, snap)) for r in snap.reminders])

    def reminder_id(self) -> int | None:
        key = self.current_key()
        return int(key) if key else None


def reminder_cells(reminder: ReminderView, snap: Snapshot) -> list[Text | str]:
    flags = (" !" if reminder.urgent else "") + (" ✓?" if reminder.requires_ack else "")
    due = reminder.remind_at <= snap.now
    return [
        Text(when(reminder.remind_at, snap.tz, snap.now), style="bold yellow" if due else ""),
        Text(plain(reminder.title) + flags + (" ↻" if reminder.recurrence else "")),
    ]


def status_line(snap: Snapshot, user_label: str) -> str:
    from core.timeutil import zone

    local = snap.now.astimezone(zone(snap.tz))
    online = snap.connection != "offline"
    link = f"[green]● {snap.connection}[/]" if online else "[yellow]○ offline[/]"
    return (
        f" {user_label} · {local:%a %d %b %Y %H:%M} {snap.tz} · AI today "
        f"${snap.spend_today:.4f} · {link} · [dim]? help  ^p commands  q quit[/]"
    )
