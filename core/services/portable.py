"""One person's data as a portable, versioned JSON document (docs/export.schema.json).

What goes out: the person's settings and chat identities, tasks, local events with their
recurrence and changed occurrences, reminders, notification channels and AI usage. What never
goes out: credentials, linked accounts and anything of theirs (their events come back when the
account is linked again), delivery history, row ids of this install.

Import is idempotent: each item has a natural key (an event's UID; a task's or reminder's
creation instant and title; a channel's kind and target; a usage record's instant, use case
and model), and an item whose key is already there is left alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, select
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import Invalid, NotFound
from core.models import (
    Event,
    EventException,
    Identity,
    NotificationChannel,
    Reminder,
    Task,
    UsageRecord,
    User,
)
from core.models.base import UTCDateTime

FORMAT, VERSION = "aurelius-export", 1
USER_FIELDS = ("name", "timezone", "quiet_start", "quiet_end", "brief_time", "escalate_minutes")
TASK_FIELDS = ("title", "notes", "status", "priority", "due_date", "due_at", "timezone", "tags",
               "project", "recurrence", "completed_at", "created_at", "updated_at")
EVENT_FIELDS = ("uid", "title", "start_at", "end_at", "timezone", "all_day", "location",
                "attendees", "notes", "recurrence", "rdates", "sequence", "created_at",
                "updated_at")
CHANGE_FIELDS = ("occurrence_start", "cancelled", "new_start", "new_end", "title", "location",
                 "notes", "all_day", "this_and_future")
REMINDER_FIELDS = ("title", "remind_at", "timezone", "status", "recurrence", "next_at",
                   "requires_ack", "urgent", "created_at")
CHANNEL_FIELDS = ("kind", "target", "position", "created_at")
USAGE_FIELDS = ("created_at", "use_case", "tier", "provider", "model", "input_tokens",
                "output_tokens", "cache_read_tokens", "cost_usd", "latency_ms", "outcome")
CHAT_CHANNELS = ("slack", "telegram", "email")  # the CLI identity is the OS login: not moved


class Portable:
    def __init__(self, db: Database) -> None:
        self.db = db

    def export(self, user_id: int, exported_at: datetime) -> dict[str, Any]:
        with self.db.transaction() as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFound(f"There is no user {user_id}.")
            return {"format": FORMAT, "version": VERSION,
                    "exported_at": exported_at.isoformat(), **_user_document(session, user)}

    def import_(self, user_id: int, document: dict[str, Any]) -> dict[str, int]:
        """Add what `document` holds that this user lacks; returns how many of each kind."""
        _check(document)
        with self.db.transaction() as session:
            user = session.get(User, user_id)
            if user is None:
                raise NotFound(f"There is no user {user_id}.")
            _fill(user, document["user"], USER_FIELDS[1:])
            return _import_items(session, user_id, document)


def find_user(db: Database, name_or_id: str) -> int:
    with db.transaction() as session:
        if name_or_id.isdigit() and session.get(User, int(name_or_id)) is not None:
            return int(name_or_id)
        found = session.scalars(select(User.id).where(User.name == name_or_id)).first()
    if found is None:
        raise NotFound(f"No user is called {name_or_id!r}; give a user's name or id.")
    return found


def _user_document(session: Session, user: User) -> dict[str, Any]:
    tasks = _rows(session, Task, user.id)
    refs = {task.id: f"task-{number}" for number, task in enumerate(tasks, 1)}
    events = list(session.scalars(select(Event).where(
        Event.user_id == user.id, Event.calendar_id.is_(None)).order_by(Event.id)))
    event_uids = {event.id: event.uid for event in events}
    identities = session.scalars(select(Identity).where(
        Identity.user_id == user.id, Identity.channel.in_(CHAT_CHANNELS)).order_by(Identity.id))
    return {
        "user": _values(user, USER_FIELDS) | {"identities": [
            {"channel": i.channel, "external_id": i.external_id} for i in identities]},
        "tasks": [_values(t, TASK_FIELDS) | {"ref": refs[t.id], "parent": refs.get(
            t.parent_id or 0)} for t in tasks],
        "events": [_values(e, EVENT_FIELDS) | {"exceptions": _exceptions(session, e)}
                   for e in events],
        "reminders": [_values(r, REMINDER_FIELDS) | {"task": refs.get(r.task_id or 0),
                      "event": event_uids.get(r.event_id or 0)}
                      for r in _rows(session, Reminder, user.id)],
        "notification_channels": [_values(c, CHANNEL_FIELDS)
                                  for c in _rows(session, NotificationChannel, user.id)],
        "usage": [_values(u, USAGE_FIELDS) for u in _rows(session, UsageRecord, user.id)],
    }


def _rows(session: Session, model: Any, user_id: int) -> list[Any]:
    return list(session.scalars(select(model).where(model.user_id == user_id)
                                .order_by(model.id)))


def _exceptions(session: Session, event: Event) -> list[dict[str, Any]]:
    changes = session.scalars(select(EventException).where(EventException.event_id == event.id)
                              .order_by(EventException.occurrence_start))
    return [_values(change, CHANGE_FIELDS) for change in changes]


def _import_items(session: Session, user_id: int, document: dict[str, Any]) -> dict[str, int]:
    tasks, added_tasks = _import_tasks(session, user_id, document["tasks"])
    events, added_events = _import_events(session, user_id, document["events"])
    counts = {"tasks": added_tasks, "events": added_events}
    counts["reminders"] = _add_missing(
        session, user_id, Reminder, REMINDER_FIELDS, document["reminders"],
        ("created_at", "title"),
        lambda item: {"task_id": tasks.get(item.get("task")),
                      "event_id": events.get(item.get("event"))})
    counts["notification_channels"] = _add_missing(
        session, user_id, NotificationChannel, CHANNEL_FIELDS,
        document["notification_channels"], ("kind", "target"))
    counts["usage"] = _add_missing(session, user_id, UsageRecord, USAGE_FIELDS,
                                   document["usage"], ("created_at", "use_case", "model"))
    counts["identities"] = _import_identities(session, user_id, document["user"]["identities"])
    return counts


def _import_tasks(session: Session, user_id: int,
                  items: list[dict[str, Any]]) -> tuple[dict[str, int], int]:
    """Task rows by export ref, and how many were added."""
    ids: dict[str, int] = {}
    added = 0
    existing = _keyed(session, Task, user_id, ("created_at", "title"))
    for item in items:
        key = _key(_parsed(Task, item, ("created_at", "title")), ("created_at", "title"))
        task = existing.get(key)
        if task is None:
            task = Task(user_id=user_id, parent_id=ids.get(item.get("parent") or ""),
                        **_parsed(Task, item, TASK_FIELDS))  # parents are listed first
            session.add(task)
            session.flush()
            added += 1
        ids[item["ref"]] = task.id
    return ids, added


def _import_events(session: Session, user_id: int,
                   items: list[dict[str, Any]]) -> tuple[dict[str, int], int]:
    ids: dict[str, int] = {}
    added = 0
    existing = {e.uid: e for e in session.scalars(select(Event).where(
        Event.user_id == user_id, Event.calendar_id.is_(None)))}
    for item in items:
        event = existing.get(item["uid"])
        if event is None:
            event = Event(user_id=user_id, **_parsed(Event, item, EVENT_FIELDS))
            session.add(event)
            session.flush()
            session.add_all(EventException(event_id=event.id,
                                           **_parsed(EventException, change, CHANGE_FIELDS))
                            for change in item["exceptions"])
            added += 1
        ids[item["uid"]] = event.id
    return ids, added


def _add_missing(session: Session, user_id: int, model: Any, fields: tuple[str, ...],
                 items: list[dict[str, Any]], key: tuple[str, ...],
                 links: Any = lambda item: {}) -> int:
    existing = _keyed(session, model, user_id, key)
    added = 0
    for item in items:
        values = _parsed(model, item, fields)
        if _key(values, key) not in existing:
            row = model(user_id=user_id, **values, **links(item))
            session.add(row)
            existing[_key(values, key)] = row
            added += 1
    return added


def _import_identities(session: Session, user_id: int, items: list[dict[str, str]]) -> int:
    added = 0
    for item in items:
        taken = session.scalars(select(Identity).where(
            Identity.channel == item["channel"], Identity.external_id == item["external_id"]
        )).first()
        if taken is None and item["channel"] in CHAT_CHANNELS:
            session.add(Identity(user_id=user_id, **item))
            added += 1
    return added


def _keyed(session: Session, model: Any, user_id: int, key: tuple[str, ...]) -> dict[Any, Any]:
    return {_key({name: getattr(row, name) for name in key}, key): row
            for row in session.scalars(select(model).where(model.user_id == user_id))}


def _key(values: dict[str, Any], key: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(values[name] for name in key)


def _values(row: Any, fields: Iterable[str]) -> dict[str, Any]:
    return {name: _plain(getattr(row, name)) for name in fields}


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date | datetime) else value


def _parsed(model: Any, item: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    columns = model.__table__.columns
    return {name: _typed(columns[name].type, item.get(name)) for name in fields if name in item}


def _typed(kind: Any, value: Any) -> Any:
    if value is None:
        return None
    if isinstance(kind, UTCDateTime):
        return datetime.fromisoformat(value)
    if isinstance(kind, Date):
        return date.fromisoformat(value)
    return value


def _fill(row: Any, values: dict[str, Any], fields: Iterable[str]) -> None:
    for name in fields:
        if name in values:
            setattr(row, name, values[name])


def _check(document: Any) -> None:
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise Invalid("That file is not an Aurelius export (made by `aurelius export`).")
    if not isinstance(document.get("version"), int) or document["version"] > VERSION:
        raise Invalid(f"That export has version {document.get('version')}; this Aurelius "
                      f"reads up to {VERSION}: upgrade Aurelius to import it.")
    missing = [name for name in ("user", "tasks", "events", "reminders",
                                 "notification_channels", "usage") if name not in document]
    if missing:
        raise Invalid(f"That export lacks {', '.join(missing)}; export it again.")
