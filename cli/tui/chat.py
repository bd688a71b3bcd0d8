"""The chat pane: the conversation, the streaming reply, confirmation buttons, result cards.

It only renders; asking the assistant happens in the app's worker, which streams text
deltas back as messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Static

from cli.tui.inputs import TextInput
from cli.tui.safe import markup as escape

if TYPE_CHECKING:
    from core.ai.assistant import Reply


class ChatPane(Vertical):
    class Asked(Message):
        """The person sent `text` to the assistant."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.streamed: list[str] = []
        self.pending: Static | None = None

    def compose(self) -> ComposeResult:
        yield VerticalScroll(
            Static("[dim]Ask anything: 'what's on tomorrow?', 'move lunch to 2pm'…[/]"),
            id="chat-log",
        )
        yield TextInput(
            placeholder="Message the assistant, Enter to send, Esc to close", id="chat-input"
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if text:
            event.input.value = ""
            self.ask(text)

    def ask(self, text: str) -> None:
        self._add(Static(f"[b]you[/b] {escape(text)}", classes="bubble you"))
        self.streamed = []
        self.pending = Static("[b]aurelius[/b] …", classes="bubble bot")
        self._add(self.pending)
        self.post_message(self.Asked(text))

    def stream(self, piece: str) -> None:
        self.streamed.append(piece)
        if self.pending is not None:
            self.pending.update(f"[b]aurelius[/b] {escape(''.join(self.streamed))}")
            self._log().scroll_end(animate=False)

    def finish(self, reply: Reply) -> None:
        text = reply.text or "".join(self.streamed)
        if self.pending is not None:
            self.pending.update(f"[b]aurelius[/b] {escape(text)}")
        self.pending = None
        for notice in reply.notices:
            self._add(Static(f"[dim]Note: {escape(notice)}[/]", classes="bubble"))
        for item in reply.items:
            self._add(Static(card(item), classes="card"))
        if reply.actions:
            self._add(Horizontal(*(Button(a.capitalize(), id=f"say-{a}",
                                          variant="primary" if a == "yes" else "default")
                                   for a in reply.actions), classes="choices"))

    def fail(self, text: str) -> None:
        if self.pending is not None:
            self.pending.update(f"[b]aurelius[/b] [red]{escape(text)}[/]")
        self.pending = None

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        answer = (event.button.id or "").removeprefix("say-")
        row = event.button.parent
        if isinstance(row, Horizontal):
            row.remove()  # a confirmation is answered once
        self.ask(answer)

    def _add(self, widget: Static | Horizontal) -> None:
        log = self._log()
        log.mount(widget)
        log.scroll_end(animate=False)

    def _log(self) -> VerticalScroll:
        return self.query_one("#chat-log", VerticalScroll)


def _nice(value: Any) -> str:
    """An ISO time from a tool result as a person reads it (its own zone, no seconds)."""
    from datetime import datetime

    try:
        moment = datetime.fromisoformat(str(value))
    except ValueError:
        return str(value)
    if len(str(value)) == 10:  # a bare date
        return f"{moment:%a %d %b %Y}"
    return f"{moment:%a %d %b %H:%M}"


def card(item: dict[str, Any]) -> str:
    """A tool result (a task, event, reminder or free slot as JSON) as a small card."""
    title = escape(str(item.get("title", "")))
    if "remind_at" in item:
        return f"⏰ [b]reminder #{item.get('id')}[/b] {title}\n   {_nice(item['remind_at'])}"
    if "start" in item and "id" in item:
        span = f"{_nice(item['start'])} → {_nice(item.get('end'))}"
        return f"📅 [b]event #{item['id']}[/b] {title}\n   {span}"
    if "priority" in item:
        due = f"\n   due {_nice(item['due'])}" if item.get("due") else ""
        return f"☐ [b]task #{item.get('id')}[/b] p{item['priority']} {title}{due}"
    if "start" in item:
        return f"🕒 free {_nice(item['start'])} → {_nice(item.get('end'))}"
    return escape(str(item))
