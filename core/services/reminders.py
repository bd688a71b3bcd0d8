"""Reminders: schedule, list and cancel. Delivery arrives with the job runner."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import recurrence
from core.db import Database, emit
from core.errors import Invalid, NotFound
from core.models import Delivery, Reminder
from core.models.delivery import ACKNOWLEDGED, PENDING, SENDING, SENT
from core.models.reminder import CANCELLED, SCHEDULED
from core.ports import Clock
from core.services import journal
from core.services.users import user_timezone
from core.services.views import ReminderView
from core.timeutil import add_elapsed, zone

ENTITY = "reminder"


class ReminderService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def add(
        self,
        user_id: int,
        title: str,
        at: datetime,
        *,
        recurrence_rule: str | None = None,
        task_id: int | None = None,
        event_id: int | None = None,
        requires_ack: bool = False,
        urgent: bool = False,
    ) -> ReminderView:
        if not title.strip():
            raise Invalid("A reminder needs a text, e.g. aurelius remind add 'Call the bank'.")
        if at.tzinfo is None:
            raise Invalid("A reminder time needs a zone.")
        with self.db.transaction() as session:
            tz = user_timezone(session, user_id)
            if recurrence_rule:
                recurrence_rule = recurrence.validate(
                    recurrence_rule, "reminder", at.astimezone(zone(tz))
                )
            reminder = Reminder(
                user_id=user_id,
                title=" ".join(title.split()),
                remind_at=at,
                timezone=tz,
                recurrence=recurrence_rule or None,
                task_id=task_id,
                event_id=event_id,
                next_at=at,
                requires_ack=requires_ack,
                urgent=urgent,
            )
            session.add(reminder)
            session.flush()
            journal.record(
                session, user_id, ENTITY, reminder.id, "add", after=journal.snapshot(reminder)
            )
            return _view(reminder)

    def upcoming(self, user_id: int, *, include_past: bool = False) -> list[ReminderView]:
        """Scheduled reminders by time; with `include_past`, sent and cancelled ones too."""
        query = select(Reminder).where(Reminder.user_id == user_id)
        if not include_past:
            query = query.where(Reminder.status == SCHEDULED)
        with self.db.transaction() as session:
            return [
                _view(r)
                for r in session.scalars(query.order_by(Reminder.next_at, Reminder.remind_at))
            ]

    def snooze(self, user_id: int, reminder_id: int, delay: timedelta) -> ReminderView:
        """Ring again after `delay`; what was already sent counts as seen (no escalation)."""
        if delay <= timedelta(0):
            raise Invalid("Snooze for a positive time, e.g. --for 15m.")
        with self.db.transaction() as session:
            reminder = _owned(session, user_id, reminder_id)
            if reminder.status == CANCELLED:
                raise Invalid(f"Reminder #{reminder_id} is cancelled.")
            reminder.next_at = add_elapsed(self.clock.now(), delay)
            reminder.status = SCHEDULED
            session.execute(
                update(Delivery)
                .where(
                    Delivery.reminder_id == reminder_id,
                    Delivery.state.in_([PENDING, SENDING, SENT]),
                )
                .values(state=ACKNOWLEDGED, acknowledged_at=self.clock.now())
            )
            emit(session, "reminder.changed", user_id=user_id, id=reminder.id, action="snooze")
            return _view(reminder)

    def cancel(self, user_id: int, reminder_id: int) -> ReminderView:
        with self.db.transaction() as session:
            reminder = _owned(session, user_id, reminder_id)
            if reminder.status != SCHEDULED:
                raise Invalid(f"Reminder #{reminder_id} is already {reminder.status}.")
            before = journal.snapshot(reminder)
            reminder.status, reminder.next_at = CANCELLED, None
            journal.record(
                session, user_id, ENTITY, reminder.id, "cancel", before, journal.snapshot(reminder)
            )
            return _view(reminder)


def _owned(session: Session, user_id: int, reminder_id: int) -> Reminder:
    reminder = session.get(Reminder, reminder_id)
    if reminder is None or reminder.user_id != user_id:
        raise NotFound(f"No reminder #{reminder_id}. See `aurelius remind list` for the ids.")
    return reminder


def _view(reminder: Reminder) -> ReminderView:
    return ReminderView(
        id=reminder.id,
        title=reminder.title,
        remind_at=(reminder.next_at or reminder.remind_at).astimezone(zone(reminder.timezone)),
        timezone=reminder.timezone,
        status=reminder.status,
        recurrence=reminder.recurrence,
        task_id=reminder.task_id,
        event_id=reminder.event_id,
        requires_ack=reminder.requires_ack,
        urgent=reminder.urgent,
    )
