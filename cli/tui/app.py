"""The Textual app: the Today screen, the quick-add bar and the chat pane.

A thin adapter. Reading and writing happen in `@work(thread=True)` workers that call the core
services and post messages; only the message handlers below touch widgets. Changes made
anywhere (this app, the CLI, a bot) arrive through the event bus and trigger a reload.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Input, Static

from cli.tui import messages as msg
from cli.tui.actions import Actions
from cli.tui.chat import ChatPane
from cli.tui.inputs import TextInput
from cli.tui.keys import ActionCommands, bindings
from cli.tui.panels import AgendaTable, ReminderTable, TaskTable, status_line
from cli.tui.safe import markup
from cli.tui.style import CSS as STYLESHEET
from core.errors import AureliusError

if TYPE_CHECKING:
    from aurelius.bootstrap import Services
    from cli.tui.data import Snapshot

log = logging.getLogger(__name__)
TOPICS = ("task.changed", "event.changed", "reminder.changed")
POLL_SECONDS = 1.0  # how often the embedded database is checked for other processes' writes


class AureliusApp(Actions, App[None]):
    CSS = STYLESHEET
    TITLE = "Aurelius"
    COMMANDS = App.COMMANDS | {ActionCommands}
    BINDINGS = bindings()

    def __init__(
        self,
        services: Services,
        user_id: int,
        owns_services: bool = False,
        cursor_blink: bool = True,
    ) -> None:
        super().__init__()
        self.services, self.user_id, self.owns_services = services, user_id, owns_services
        self.cursor_blink = cursor_blink
        self.snapshot: Snapshot | None = None
        self.day = self._today()
        self.days = 1
        self.stamp: float | None = None
        self._unsubscribe: Callable[[], None] | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            with Vertical(id="left"):
                yield AgendaTable(id="agenda")
                yield ReminderTable(id="reminders")
            yield TaskTable(id="tasks")
            yield ChatPane(id="chat", classes="hidden")
        with Vertical(id="quickadd", classes="hidden"):
            yield TextInput(
                placeholder="Quick add: 'lunch with Sara friday 1pm for 90 minutes'",
                id="quick-input",
            )
            yield Static("", id="quick-preview")
        yield Static(" Loading…", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(TaskTable).focus()
        self._unsubscribe = self.services.bus.subscribe(self._heard)
        self.set_interval(POLL_SECONDS, self._poll)
        self.reload()

    def on_unmount(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
        if self.owns_services:
            self.services.close()

    # --- reading -------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="load")
    def reload(self) -> None:
        from cli.tui.data import change_stamp, load

        try:
            self.stamp = change_stamp(self.services)
            snap = load(self.services, self.user_id, self.day, self.days, self.where)
        except Exception as error:  # a failed read must not take the screen down
            self.post_message(msg.Failed(_explain(error)))
            return
        self.post_message(msg.Loaded(snap))

    def on_loaded(self, message: msg.Loaded) -> None:
        self.snapshot = message.snapshot
        self._show(message.snapshot)

    def _show(self, snap: Snapshot) -> None:
        self.query_one(AgendaTable).show(snap)
        self.query_one(TaskTable).show(snap, self.filter_label)
        self.query_one(ReminderTable).show(snap)
        self.query_one("#status", Static).update(status_line(snap, "Aurelius"))

    def _heard(self, topic: str, payload: dict[str, Any]) -> None:
        """Bus handler: runs on the publisher's or the listener's thread, so it only posts."""
        if topic in TOPICS and payload.get("user_id", self.user_id) == self.user_id:
            self.post_message(msg.Changed(topic))

    def on_changed(self, message: msg.Changed) -> None:
        self.reload()

    @work(thread=True, exclusive=True, group="poll")
    def _poll(self) -> None:
        from cli.tui.data import change_stamp

        stamp = change_stamp(self.services)
        if stamp is not None and self.stamp is not None and stamp > self.stamp:
            self.post_message(msg.Changed("database"))

    # --- writing -------------------------------------------------------------------------

    @work(thread=True, group="write")
    def perform(self, change: Callable[[], str]) -> None:
        """Run one service call off the UI thread; say what happened, or why it failed."""
        try:
            self.post_message(msg.Done(change()))
        except Exception as error:  # errors become notifications, never a traceback
            self.post_message(msg.Failed(_explain(error)))

    def on_done(self, message: msg.Done) -> None:
        self.notify(markup(message.text), timeout=3)
        self.reload()  # the bus does this too; a direct reload keeps a no-bus setup live

    def on_failed(self, message: msg.Failed) -> None:
        self.notify(markup(message.text), severity="error", timeout=6)
        self.query_one(ChatPane).fail(message.text)

    # --- quick add -----------------------------------------------------------------------

    @on(Input.Changed, "#quick-input")
    def _quick_changed(self, event: Input.Changed) -> None:
        self.preview(event.value)

    @work(thread=True, exclusive=True, group="preview")
    def preview(self, text: str) -> None:
        from cli.tui.quickadd import preview

        try:
            shown = preview(self.services, text)
        except Exception as error:
            shown = f"[red]{_explain(error)}[/]"
        self.post_message(msg.Previewed(text, shown))

    def on_previewed(self, message: msg.Previewed) -> None:
        if message.text == self.query_one("#quick-input", Input).value:  # not a stale one
            self.query_one("#quick-preview", Static).update(message.preview)

    @on(Input.Submitted, "#quick-input")
    def _quick_submitted(self, event: Input.Submitted) -> None:
        from cli.tui.quickadd import create

        text = event.value
        if not text.strip():
            self.query_one("#quick-preview", Static).update("[red]Type something to add.[/]")
            return
        event.input.value = ""
        self._show_quickadd(False)
        self.perform(lambda: create(self.services, self.user_id, text))

    def _show_quickadd(self, shown: bool) -> None:
        self.query_one("#quickadd").set_class(not shown, "hidden")
        if shown:
            self.query_one("#quick-input", Input).focus()
            self.preview(self.query_one("#quick-input", Input).value)
        else:
            self.query_one(TaskTable).focus()

    # --- chat ----------------------------------------------------------------------------

    def on_chat_pane_asked(self, message: ChatPane.Asked) -> None:
        self.ask(message.text)

    @work(thread=True, group="chat")
    def ask(self, text: str) -> None:
        def streamed(piece: str) -> None:
            self.post_message(msg.ChatDelta(piece))

        try:
            reply = self.services.ai.assistant.ask(self.user_id, text, on_text=streamed)
        except Exception as error:
            self.post_message(msg.Failed(_explain(error)))
            return
        self.post_message(msg.ChatReplied(reply))

    def on_chat_delta(self, message: msg.ChatDelta) -> None:
        self.query_one(ChatPane).stream(message.piece)

    def on_chat_replied(self, message: msg.ChatReplied) -> None:
        self.query_one(ChatPane).finish(message.reply)
        self.reload()

    def _today(self) -> date:
        from core.timeutil import local_today

        return local_today(self.services.clock.now(), self.services.settings.timezone)


def _explain(error: Exception) -> str:
    if isinstance(error, AureliusError):
        return str(error)
    log.exception("unexpected error in the TUI", exc_info=error)
    return f"Something went wrong: {type(error).__name__}: {error}"


def create_app(
    services: Services | None = None, user_id: int | None = None, *, cursor_blink: bool = True
) -> AureliusApp:
    """The production app; with no `services`, builds (and later closes) its own."""
    owns = services is None
    if services is None:
        from aurelius.bootstrap import build_services

        services = build_services()
    return AureliusApp(services, services.local_user_id() if user_id is None else user_id,
                       owns_services=owns, cursor_blink=cursor_blink)
