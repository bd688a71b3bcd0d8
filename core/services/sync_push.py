"""Sending the outbox: one `CalendarWrite` row at a time, the provider call outside any
transaction, the result (the provider's id and etag) stored after it.

A create carries the UID Aurelius chose, so a create retried after a crash finds the event
it made the first time. A row changed locally while its write was in flight stays in the
outbox (as an update) and goes out on the next push.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import Database
from core.models import CalendarWrite, Event, EventException, LinkedCalendar
from core.ports import CalendarSource, RemoteEvent
from core.services.remote_events import to_remote

LONGEST_WAIT = timedelta(hours=6)


def due(db: Database, connection_id: int, now: datetime) -> list[int]:
    with db.transaction() as session:
        return list(
            session.scalars(
                select(CalendarWrite.id)
                .join(LinkedCalendar, LinkedCalendar.id == CalendarWrite.calendar_id)
                .where(
                    LinkedCalendar.connection_id == connection_id,
                    CalendarWrite.next_attempt_at <= now,
                )
                .order_by(CalendarWrite.id)
            )
        )


def send(db: Database, source: CalendarSource, write_id: int) -> int:
    """Send one row; 1 when something went to the provider, 0 when nothing was left to do."""
    with db.transaction() as session:
        row = session.get(CalendarWrite, write_id)
        if row is None:
            return 0
        calendar = session.get(LinkedCalendar, row.calendar_id)
        event = session.get(Event, row.event_id) if row.event_id is not None else None
        payload = to_remote(event, _changes(session, event.id)) if event is not None else None
        made_at, action, remote_id, etag = row.created_at, row.action, row.remote_id, row.etag
        target = calendar.remote_id if calendar is not None else ""
    result = _call(source, target, action, payload, remote_id, etag)
    with db.transaction() as session:
        _store(session, write_id, made_at, event.id if event else None, result)
    return 1


def _call(
    source: CalendarSource,
    calendar: str,
    action: str,
    payload: RemoteEvent | None,
    remote_id: str | None,
    etag: str | None,
) -> RemoteEvent | None:
    if action == "delete":
        if remote_id:
            source.delete(calendar, remote_id, etag)
        return None
    if payload is None:  # the event went away locally and its delete replaced this row
        return None
    if action == "create" or not payload.remote_id:
        return source.create(calendar, payload)
    return source.update(calendar, payload)


def _store(
    session: Session,
    write_id: int,
    made_at: datetime,
    event_id: int | None,
    result: RemoteEvent | None,
) -> None:
    if result is not None and event_id is not None:
        event = session.get(Event, event_id)
        if event is not None:
            event.remote_id, event.etag = result.remote_id, result.etag
    row = session.get(CalendarWrite, write_id)
    if row is None:
        return
    if row.created_at == made_at:
        session.delete(row)
    elif result is not None:  # changed again meanwhile: send that change as an update
        row.remote_id, row.etag = result.remote_id, result.etag
        row.action = "update" if row.action == "create" else row.action


def postpone(db: Database, write_id: int, now: datetime, error: str) -> None:
    """The provider is unreachable: try this row again later, waiting longer each time."""
    with db.transaction() as session:
        row = session.get(CalendarWrite, write_id)
        if row is not None:
            row.attempts += 1
            row.last_error = error[:1000]
            row.next_attempt_at = now + min(timedelta(minutes=2**row.attempts), LONGEST_WAIT)


def drop(db: Database, write_id: int) -> tuple[int, int, str] | None:
    """Give up on a row (its provider's version won): (user id, calendar id, event title)."""
    with db.transaction() as session:
        row = session.get(CalendarWrite, write_id)
        if row is None:
            return None
        event = session.get(Event, row.event_id) if row.event_id is not None else None
        found = (row.user_id, row.calendar_id, event.title if event else "A deleted event")
        session.delete(row)
        return found


def _changes(session: Session, event_id: int) -> list[EventException]:
    return list(session.scalars(select(EventException).where(EventException.event_id == event_id)))
