"""Recording a local change of a linked calendar's event in the outbox, in the caller's
transaction, so the change and the promise to send it commit (or roll back) together.

One row per event: a later change merges into the waiting one (create + edit is still a
create; create + delete never reaches the provider; edit + delete is a delete).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import CalendarWrite, Event, LinkedCalendar
from core.models.base import utcnow
from core.services.linked_calendars import require_writable


def check(session: Session, event: Event) -> LinkedCalendar | None:
    """The event's linked calendar (None when local), refusing a read-only one."""
    if event.calendar_id is None:
        return None
    calendar = session.get(LinkedCalendar, event.calendar_id)
    if calendar is not None:
        require_writable(calendar)
    return calendar


def record(session: Session, event: Event, action: str, now: datetime) -> int | None:
    """Queue `action` (create | update | delete) for `event`; its connection id, or None
    when the event is local or nothing needs sending."""
    calendar = check(session, event)
    if calendar is None:
        return None
    row = session.scalars(
        select(CalendarWrite).where(
            CalendarWrite.calendar_id == calendar.id, CalendarWrite.ical_uid == event.uid
        )
    ).first()
    merged = _merged(row.action if row else None, action, event)
    if merged is None:
        if row is not None:
            session.delete(row)
        return None
    if row is None:
        row = CalendarWrite(user_id=event.user_id, calendar_id=calendar.id, ical_uid=event.uid)
        session.add(row)
    row.action, row.event_id = merged, None if merged == "delete" else event.id
    row.remote_id, row.etag, row.attempts, row.last_error = event.remote_id, event.etag, 0, None
    # created_at is the change's version (wall time, so two changes never share one);
    # next_attempt_at is on Aurelius's clock, which decides what is due.
    row.created_at, row.next_attempt_at = utcnow(), now
    return calendar.connection_id


def _merged(waiting: str | None, action: str, event: Event) -> str | None:
    if action == "delete":
        return None if event.remote_id is None else "delete"
    if waiting == "create" or event.remote_id is None:
        return "create"
    return "update"
