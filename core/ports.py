"""Interfaces to the outside world. Adapters in `aurelius.adapters` implement them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


class Clock(Protocol):
    """The current instant, always timezone-aware. Tests pass a fixed clock."""

    def now(self) -> datetime: ...


@dataclass(frozen=True)
class Address:
    """Where one notification goes: a channel kind and its target (URL, chat id, e-mail...)."""

    kind: str
    target: str = ""


@dataclass(frozen=True)
class Note:
    """A notification, ready for any channel to render."""

    title: str
    body: str
    kind: str = "reminder"
    delivery_id: int | None = None
    reminder_id: int | None = None
    actions: tuple[str, ...] = ()
    data: dict[str, Any] = field(default_factory=dict)
    key: str = ""
    """The same on every retry of one delivery, so a receiver can drop a duplicate."""


class Notifier(Protocol):
    """Sends a note to one address; raises on failure so the delivery is retried."""

    def send(self, address: Address, note: Note) -> None: ...


class JobQueue(Protocol):
    """Runs `function` (an importable dotted path) with `args` (ids, never ORM objects).

    `job_id` names the job so that enqueueing the same work twice runs it once.
    """

    def enqueue(self, function: str, *args: Any, job_id: str | None = None) -> None: ...


Handler = Callable[[str, dict[str, Any]], None]


class EventBus(Protocol):
    """Live updates (task, event and reminder changes) for open screens and bots."""

    def publish(self, topic: str, payload: dict[str, Any]) -> None: ...

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        """Call `handler(topic, payload)` for every event; returns the unsubscribe function."""
        ...
