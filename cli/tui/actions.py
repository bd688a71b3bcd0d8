"""What the keys do: each action reads the selection, asks for details in a form if needed,
then hands one service call to the app's `perform` worker."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from textual.widgets import Input

from cli.tui.chat import ChatPane
from cli.tui.forms import ChoiceScreen, Field, FormScreen, PickScreen, Reader
from cli.tui.keys import HelpScreen
from cli.tui.panels import AgendaTable, ReminderTable, TaskTable
from core.services.tasks import TaskFilter

if TYPE_CHECKING:
    from textual.app import App

    from aurelius.bootstrap import Services
    from cli.tui.data import Snapshot
    from core.services.views import EventView, TaskView

    _Base = App[None]
else:
    _Base = object

SNOOZE = "15m"


class Actions(_Base):
    services: Services
    user_id: int
    snapshot: Snapshot | None
    day: date
    days: int
    where: TaskFilter = TaskFilter()
    filter_label: str = "by urgency"

    if TYPE_CHECKING:

        def perform(self, change: Callable[[], str]) -> Any: ...
        def reload(self) -> Any: ...
        def _show_quickadd(self, shown: bool) -> None: ...
        def _today(self) -> date: ...

    # --- panes -----------------------------------------------------------------------------

    def action_quick_add(self) -> None:
        self._show_quickadd(True)

    def action_chat(self) -> None:
        pane = self.query_one(ChatPane)
        pane.set_class(False, "hidden")
        pane.query_one("#chat-input", Input).focus()

    def action_escape(self) -> None:
        """Close the open pane; with none open, clear the task filter."""
        if not self.query_one("#quickadd").has_class("hidden"):
            self._show_quickadd(False)
        elif not self.query_one(ChatPane).has_class("hidden"):
            self.query_one(ChatPane).set_class(True, "hidden")
            self.query_one(TaskTable).focus()
        elif self.where != TaskFilter():
            self._set_filter(TaskFilter(), "by urgency")

    def action_help(self) -> None:
        self.push_screen(HelpScreen())

    def action_refresh(self) -> None:
        self.reload()

    def action_toggle_dark(self) -> None:
        self.theme = "textual-light" if self.theme == "textual-dark" else "textual-dark"

    # --- tasks -----------------------------------------------------------------------------

    def action_complete(self) -> None:
        task_id = self.query_one(TaskTable).task_id()
        if task_id is not None:
            self.perform(lambda: self._complete(task_id))

    def _complete(self, task_id: int) -> str:
        done = self.services.tasks.complete(self.user_id, task_id)
        follow = f"; next one #{done.next.id}" if done.next else ""
        return f"Completed #{done.done.id} {done.done.title}{follow}"

    def action_priority(self, priority: int) -> None:
        task_id = self.query_one(TaskTable).task_id()
        if task_id is not None:
            self.perform(
                lambda: _said(
                    self.services.tasks.edit(self.user_id, task_id, priority=priority),
                    f"now p{priority}",
                )
            )

    def action_delete(self) -> None:
        if self._agenda_focused():
            self._delete_event()
            return
        task_id = self.query_one(TaskTable).task_id()
        if task_id is not None:
            self.perform(
                lambda: _said(
                    self.services.tasks.remove(self.user_id, task_id), "deleted (u to undo)"
                )
            )

    def action_undo(self) -> None:
        self.perform(lambda: self.services.tasks.undo(self.user_id))

    def action_edit(self) -> None:
        if self._agenda_focused():
            self._edit_event()
            return
        task = self._selected_task()
        if task is None:
            return
        reader = self._reader()
        fields = [
            Field("title", "Title", task.title),
            Field("due", "Due (empty for none)", _due_text(task), "tomorrow 17:00"),
            Field("priority", "Priority 1–4", str(task.priority)),
            Field("tags", "Tags", " ".join(task.tags), "work errands"),
            Field("project", "Project", task.project or ""),
        ]

        def check(texts: dict[str, str]) -> dict[str, Any]:
            return {
                "title": texts["title"],
                "due": reader.when(texts["due"]),
                "priority": reader.priority(texts["priority"]),
                "tags": reader.tags(texts["tags"]),
                "project": texts["project"] or None,
            }

        def save(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.perform(
                    lambda: _said(
                        self.services.tasks.edit(self.user_id, task.id, **values), "updated"
                    )
                )

        self.push_screen(FormScreen(f"Edit task #{task.id}", fields, check), save)

    def action_filter(self) -> None:
        def check(texts: dict[str, str]) -> dict[str, Any]:
            return {"where": _filter_from(texts["query"]), "label": texts["query"]}

        def apply(values: dict[str, Any] | None) -> None:
            if values is not None:
                self._set_filter(values["where"], values["label"] or "by urgency")

        field = Field("query", "#tag, project:name, or words in title/notes", "", "#work")
        self.push_screen(FormScreen("Filter tasks", [field], check), apply)

    def action_project_view(self) -> None:
        projects = sorted({t.project for t in self._tasks() if t.project})

        def show(name: str | None) -> None:
            if name:
                self._set_filter(TaskFilter(project=name), f"project {name}")

        self.push_screen(PickScreen("Project", projects), show)

    def action_tag_view(self) -> None:
        tags = sorted({tag for t in self._tasks() for tag in t.tags})

        def show(tag: str | None) -> None:
            if tag:
                self._set_filter(TaskFilter(tag=tag), f"#{tag}")

        self.push_screen(PickScreen("Tag", tags), show)

    def _set_filter(self, where: TaskFilter, label: str) -> None:
        self.where, self.filter_label = where, label
        self.reload()

    # --- calendar --------------------------------------------------------------------------

    def action_day_view(self) -> None:
        self.days = 1
        self.reload()

    def action_week_view(self) -> None:
        self.days = 7
        self.day -= timedelta(days=self.day.weekday())  # weeks run Monday to Sunday
        self.reload()

    def action_shift_days(self, direction: int) -> None:
        self.day += timedelta(days=direction * self.days)
        self.reload()

    def action_today(self) -> None:
        self.day = self._today()
        if self.days == 7:
            self.day -= timedelta(days=self.day.weekday())
        self.reload()

    def action_new_event(self) -> None:
        from cli.tui.events import new_event_form

        self.push_screen(*new_event_form(self, self._reader()))

    def _edit_event(self) -> None:
        from cli.tui.events import edit_event_form

        event = self._selected_event()
        if event is not None:
            self.push_screen(*edit_event_form(self, self._reader(), event))

    def action_move_event(self) -> None:
        from cli.tui.events import move_event_form

        event = self._selected_event()
        if event is not None:
            self.push_screen(*move_event_form(self, self._reader(), event))

    def _delete_event(self) -> None:
        from cli.tui.events import delete_event

        event = self._selected_event()
        if event is not None:
            delete_event(self, event)

    # --- reminders -------------------------------------------------------------------------

    def action_acknowledge(self) -> None:
        reminder_id = self.query_one(ReminderTable).reminder_id()
        if reminder_id is not None:
            self.perform(
                lambda: (
                    f"Acknowledged reminder #{reminder_id} "
                    f"({self.services.deliveries.acknowledge(self.user_id, reminder_id)} "
                    "deliveries)."
                )
            )

    def action_snooze(self) -> None:
        reminder_id = self.query_one(ReminderTable).reminder_id()
        if reminder_id is None:
            return

        def snooze(values: dict[str, Any] | None) -> None:
            if values is not None:
                self.perform(
                    lambda: _said(
                        self.services.reminders.snooze(self.user_id, reminder_id, values["delay"]),
                        "snoozed",
                    )
                )

        check = lambda texts: {"delay": Reader.duration(texts["delay"])}  # noqa: E731
        fields = [Field("delay", "Snooze for", SNOOZE, "15m, 1h, 2h30m")]
        self.push_screen(FormScreen(f"Snooze reminder #{reminder_id}", fields, check), snooze)

    # --- helpers ---------------------------------------------------------------------------

    def _agenda_focused(self) -> bool:
        return isinstance(self.focused, AgendaTable)

    def _selected_event(self) -> EventView | None:
        if self.snapshot is None:
            return None
        return self.query_one(AgendaTable).event_at_cursor(self.snapshot)

    def _selected_task(self) -> TaskView | None:
        task_id = self.query_one(TaskTable).task_id()
        return next((t for t in self._tasks() if t.id == task_id), None)

    def _tasks(self) -> list[TaskView]:
        return self.snapshot.tasks if self.snapshot else []

    def _reader(self) -> Reader:
        return Reader(self.services.clock.now(), self.services.settings.timezone)

    def ask_choice(
        self, question: str, choices: list[tuple[str, str]], then: Callable[[str], None]
    ) -> None:
        def chosen(key: str | None) -> None:
            if key:
                then(key)

        self.push_screen(ChoiceScreen(question, choices), chosen)


def _said(view: Any, what: str) -> str:
    return f"#{view.id} {view.title}: {what}"


def _due_text(task: TaskView) -> str:
    if task.due is None:
        return ""
    return task.due.strftime("%Y-%m-%d %H:%M" if hasattr(task.due, "hour") else "%Y-%m-%d")


def _filter_from(query: str) -> TaskFilter:
    """`#tag`, `project:name` (or `+name`), or any other words as a text search."""
    text = query.strip()
    if text.startswith("#"):
        return replace(TaskFilter(), tag=text[1:])
    if text.startswith(("project:", "+")):
        return replace(TaskFilter(), project=text.split(":", 1)[-1].lstrip("+"))
    return replace(TaskFilter(), search=text or None)
