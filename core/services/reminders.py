"""Reminders: schedule, list and cancel. Delivery arrives with the job runner."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core import recurrence
from core.db import Database, emit
from core.errors import Invalid, NotFound
from core.models import Delivery, Event, Reminder, Task
from core.models.delivery import ACKNOWLEDGED, PENDING, SENDING, SENT
from core.models.reminder import CANCELLED, SCHEDULED
from core.ports import Clock
from core.services import journal
from core.services.reminder_status import Status, statuses
from core.services.users import user_timezone
from core.services.views import ReminderView
from core.timeutil import add_elapsed, format_when, zone

ENTITY = "reminder"
JUST_NOW = timedelta(minutes=1)
"""A time this little in the past means "now" (it was typed a moment ago); older is refused."""


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
            _check_owned(session, user_id, Task, task_id, "task")
            _check_owned(session, user_id, Event, event_id, "event")
            tz = user_timezone(session, user_id)
            at = self._not_past(at, tz)
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
            return _view(reminder, tz)

    def _not_past(self, at: datetime, tz: str) -> datetime:
        now = self.clock.now()
        if at >= now:
            return at
        if now - at <= JUST_NOW:
            return now
        raise Invalid(
            f"{format_when(at, tz, now)} is already past (it is {format_when(now, tz, now)}); "
            "give a later time, e.g. --at 'in 10 minutes' or 'tomorrow 9am'."
        )

    def upcoming(self, user_id: int, *, include_past: bool = False) -> list[ReminderView]:
        """Scheduled reminders by time; with `include_past`, delivered and cancelled ones too.

        Statuses come from the deliveries (see `reminder_status`), times in the user's zone.
        """
        query = select(Reminder).where(Reminder.user_id == user_id)
        if not include_past:
            query = query.where(Reminder.status == SCHEDULED)
        with self.db.transaction() as session:
            tz = user_timezone(session, user_id)
            found = list(session.scalars(query.order_by(Reminder.next_at, Reminder.remind_at)))
            shown = statuses(session, found, self.clock.now(), tz)
            return [_view(r, tz, shown[r.id]) for r in found]

    def snooze(self, user_id: int, reminder_id: int, delay: timedelta) -> ReminderView:
        """Ring again `delay` from now if it has rung (what was sent counts as seen: no
        escalation); one that has not rung yet moves `delay` later, never earlier."""
        if delay <= timedelta(0):
            raise Invalid("Snooze for a positive time, e.g. --for 15m.")
        now = self.clock.now()
        with self.db.transaction() as session:
            reminder = _owned(session, user_id, reminder_id)
            if reminder.status == CANCELLED:
                raise Invalid(f"Reminder #{reminder_id} is cancelled.")
            seen = session.scalars(
                update(Delivery)
                .where(
                    Delivery.reminder_id == reminder_id,
                    Delivery.state.in_([PENDING, SENDING, SENT]),
                )
                .values(state=ACKNOWLEDGED, acknowledged_at=now)
                .returning(Delivery.id)
            ).all()
            waiting = reminder.status == SCHEDULED and not seen
            start = max(reminder.next_at or now, now) if waiting else now
            reminder.next_at, reminder.status = add_elapsed(start, delay), SCHEDULED
            emit(session, "reminder.changed", user_id=user_id, id=reminder.id, action="snooze")
            said = "it had not rung yet, so it rings that much later" if waiting else None
            return _view(reminder, user_timezone(session, user_id), Status(SCHEDULED, said))

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
            return _view(reminder, user_timezone(session, user_id))


def _owned(session: Session, user_id: int, reminder_id: int) -> Reminder:
    reminder = session.get(Reminder, reminder_id)
    if reminder is None or reminder.user_id != user_id:
        raise NotFound(f"No reminder #{reminder_id}. See `aurelius remind list` for the ids.")
    return reminder


def _view(reminder: Reminder, tz: str, status: Status | None = None) -> ReminderView:
    """`tz` is the user's zone now (what they read); the reminder keeps the zone it was set
    in for repeating by local wall time."""
    status = status or Status(reminder.status)
    return ReminderView(
        id=reminder.id,
        title=reminder.title,
        remind_at=(reminder.next_at or reminder.remind_at).astimezone(zone(tz)),
        timezone=tz,
        status=status.name,
        status_detail=status.detail,
        recurrence=reminder.recurrence,
        task_id=reminder.task_id,
        event_id=reminder.event_id,
        requires_ack=reminder.requires_ack,
        urgent=reminder.urgent,
    )


def _check_owned(session: Session, user_id: int, model: type[Task] | type[Event],
                 ident: int | None, noun: str) -> None:
    """A reminder may point only at the user's own task or event."""
    if ident is None:
        return
    owner = session.scalar(select(model.user_id).where(model.id == ident))
    if owner != user_id:
        listing = "task list" if noun == "task" else "cal agenda"
        raise NotFound(f"No {noun} #{ident}; see `aurelius {listing}`.")
