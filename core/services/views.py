"""Read-only views the services return: plain values, safe to use after the session closes.

`to_json()` gives the shape every `--json` listing prints: datetimes in ISO 8601 with offset.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    return value


class _Json:
    def to_json(self) -> dict[str, Any]:
        return {key: _jsonable(value) for key, value in asdict(self).items()}  # type: ignore[call-overload]


@dataclass(frozen=True)
class UrgencyTerm:
    name: str
    factor: float
    coefficient: float

    @property
    def contribution(self) -> float:
        return self.factor * self.coefficient


@dataclass(frozen=True)
class TaskView(_Json):
    id: int
    title: str
    status: str
    priority: int
    due: date | datetime | None
    tags: list[str]
    project: str | None
    recurrence: str | None
    timezone: str
    notes: str
    created_at: datetime
    completed_at: datetime | None
    urgency: float = 0.0
    urgency_terms: list[UrgencyTerm] = field(default_factory=list)


@dataclass(frozen=True)
class EventView(_Json):
    """One occurrence of an event (the event itself when it does not repeat)."""

    id: int
    title: str
    start: datetime
    end: datetime
    timezone: str
    all_day: bool
    location: str | None
    attendees: list[str]
    recurrence: str | None
    uid: str
    occurrence_moved: bool = False
    calendar_id: int | None = None  # the linked calendar it mirrors; None: local


@dataclass(frozen=True)
class ReminderView(_Json):
    """`remind_at` is when it rings next (a snooze or a repeat moves it)."""

    id: int
    title: str
    remind_at: datetime
    timezone: str
    status: str
    recurrence: str | None
    task_id: int | None
    event_id: int | None
    requires_ack: bool = False
    urgent: bool = False
    status_detail: str | None = None
    """Why a reminder is `missed` (the digest that covered it) or `failed` (the last error)."""


@dataclass(frozen=True)
class FreeSlot(_Json):
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)
