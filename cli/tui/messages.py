"""Messages worker threads post to the app; only their handlers touch widgets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from cli.tui.data import Snapshot
    from core.ai.assistant import Reply


class Loaded(Message):
    """A fresh snapshot of the day was read."""

    def __init__(self, snapshot: Snapshot) -> None:
        super().__init__()
        self.snapshot = snapshot


class Done(Message):
    """A change went through; `text` says what happened."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Failed(Message):
    """A worker failed; `text` is written for the person (a UserError's own message)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class Changed(Message):
    """Something changed elsewhere (the event bus, or another process wrote the database)."""

    def __init__(self, topic: str) -> None:
        super().__init__()
        self.topic = topic


class Previewed(Message):
    """How the quick-add text currently reads."""

    def __init__(self, text: str, preview: str) -> None:
        super().__init__()
        self.text = text
        self.preview = preview


class ChatDelta(Message):
    """A piece of the assistant's reply as it streams in."""

    def __init__(self, piece: str) -> None:
        super().__init__()
        self.piece = piece


class ChatReplied(Message):
    """The assistant's whole reply, with its items and suggested actions."""

    def __init__(self, reply: Reply) -> None:
        super().__init__()
        self.reply = reply
