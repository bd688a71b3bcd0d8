"""The key map: one table feeds the bindings, the help screen and the command palette.

Key clashes resolved: `d`/`w` switch the calendar between day and week (as khal does), so
deleting a task is `Delete` (or `D`); `t` jumps back to today; `[`/`]` move a day (a week in
the week view).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial
from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


@dataclass(frozen=True)
class Key:
    keys: str  # Textual key names, comma separated
    action: str
    description: str
    shown: str  # how the help screen writes the key
    footer: str = ""  # a short label puts the key in the footer


KEYS: list[Key] = [
    Key("a", "quick_add", "Quick add a task, event or reminder", "a", "add"),
    Key("c", "chat", "Chat with the assistant", "c", "chat"),
    Key("x", "complete", "Complete the selected task", "x", "done"),
    Key("e", "edit", "Edit the selected task or event", "e", "edit"),
    Key("1", "priority(1)", "Set priority 1 (highest)", "1–4"),
    Key("2", "priority(2)", "Set priority 2", "2"),
    Key("3", "priority(3)", "Set priority 3", "3"),
    Key("4", "priority(4)", "Set priority 4 (lowest)", "4"),
    Key("delete,D", "delete", "Delete the selected task or event", "Del / D"),
    Key("u", "undo", "Undo the last task change", "u", "undo"),
    Key("slash", "filter", "Filter tasks (#tag, project:name or text)", "/", "filter"),
    Key("p", "project_view", "Tasks of one project", "p"),
    Key("hash_sign,g", "tag_view", "Tasks with one tag", "# / g"),
    Key("escape", "escape", "Close the open pane, or clear the task filter", "Esc"),
    Key("d", "day_view", "Calendar: day view", "d", "day"),
    Key("w", "week_view", "Calendar: week view", "w", "week"),
    Key("left_square_bracket", "shift_days(-1)", "Calendar: previous day (week)", "["),
    Key("right_square_bracket", "shift_days(1)", "Calendar: next day (week)", "]"),
    Key("t", "today", "Calendar: back to today", "t"),
    Key("n", "new_event", "New event", "n"),
    Key("m", "move_event", "Move the selected event", "m"),
    Key("k", "acknowledge", "Acknowledge the selected reminder", "k"),
    Key("s", "snooze", "Snooze the selected reminder", "s"),
    Key("r", "refresh", "Reload everything", "r"),
    Key("T", "toggle_dark", "Light / dark theme", "T"),
    Key("question_mark", "help", "This help", "?", "help"),
    Key("q", "quit", "Quit", "q", "quit"),
]


def bindings() -> list[BindingType]:
    return [Binding(k.keys, k.action, k.footer or k.description, show=bool(k.footer))
            for k in KEYS]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        lines = ["[b]Aurelius keys[/b]   (Ctrl+P: command palette · mouse works too)", ""]
        lines += [f"  [b]{k.shown:<8}[/b] {k.description}" for k in KEYS if k.keys != "2"
                  and k.keys not in ("3", "4")]
        lines += ["", "  [b]Tab[/b]      next panel    [b]Enter[/b]  open / confirm",
                  "", "[dim]Esc closes this help.[/]"]
        with VerticalScroll(id="dialog"):
            yield Static("\n".join(lines), id="help-text")

    def action_close(self) -> None:
        self.dismiss(None)


class ActionCommands(Provider):
    """Every key of the map as a command in the palette (Ctrl+P)."""

    async def discover(self) -> Hits:
        for key in KEYS:
            yield DiscoveryHit(key.description, self._runner(key), help=f"key: {key.shown}")

    async def search(self, query: str) -> AsyncIterator[DiscoveryHit | Hit]:
        matcher = self.matcher(query)
        for key in KEYS:
            score = matcher.match(key.description)
            if score > 0:
                yield Hit(score, matcher.highlight(key.description), self._runner(key),
                          help=f"key: {key.shown}")

    def _runner(self, key: Key) -> partial[Any]:
        return partial(self.app.run_action, key.action)
