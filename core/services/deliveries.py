"""Reminder delivery: at most once per occurrence and channel, never silently dropped.

The database is the source of truth. `plan()` (run by the scheduler's leader) turns due
reminder occurrences and briefs into `Delivery` rows with a unique key and returns the ids that
are ready to send; `send()` (run by a worker) claims one delivery, sends it and records the
outcome. A claim expires after `claim_timeout`, so a delivery whose worker died is sent again.

The one window for a duplicate: a worker that dies after the channel accepted a notification
but before the `sent` state is committed. The next attempt sends it once more.

States: pending -> sending -> sent -> acknowledged, or -> failed after `max_attempts`; occurrences
older than `grace` when first seen become `missed` and are listed in one digest instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import recurrence
from core.db import Database
from core.models import Delivery, Reminder, User
from core.models import delivery as states
from core.models.reminder import ACKNOWLEDGED, SCHEDULED, SENT
from core.ports import Address, Clock, Note, Notifier
from core.services.channels import DEFAULT, addresses, quiet_until
from core.timeutil import format_when


@dataclass(frozen=True)
class DeliveryPolicy:
    grace: timedelta = timedelta(minutes=15)
    """Occurrences overdue by less than this are delivered (marked late); older ones missed."""
    late_after: timedelta = timedelta(minutes=1)
    claim_timeout: timedelta = timedelta(minutes=2)
    max_attempts: int = 5
    backoff: tuple[timedelta, ...] = (
        timedelta(seconds=5),
        timedelta(seconds=30),
        timedelta(minutes=2),
        timedelta(minutes=10),
    )
    batch: int = 1000


BriefText = Callable[[int, datetime], Note]  # (user id, now) -> today's brief


class DeliveryService:
    def __init__(
        self,
        db: Database,
        clock: Clock,
        notifiers: Mapping[str, Notifier],
        policy: DeliveryPolicy | None = None,
        brief: BriefText | None = None,
        defaults: tuple[Address, ...] = (DEFAULT,),
    ) -> None:
        self.db = db
        self.clock = clock
        self.notifiers = notifiers
        self.policy = policy or DeliveryPolicy()
        self.brief = brief
        self.defaults = defaults

    # --- planning (the scheduler's leader) --------------------------------------------------

    def plan(self) -> list[int]:
        """Record what is due now and return the ids of deliveries ready to be sent."""
        now = self.clock.now()
        with self.db.transaction() as session:
            missed = self._plan_reminders(session, now)
            self._plan_digests(session, now, missed)
            self._plan_escalations(session, now)
        if self.brief:
            self._plan_briefs(now)
        return self.ready()

    def ready(self) -> list[int]:
        """Pending deliveries that are due, plus claims abandoned by a dead worker.

        Each returned delivery is stamped as handed out, so the next tick does not hand it
        out again while it waits in the queue.
        """
        now = self.clock.now()
        stale = now - self.policy.claim_timeout
        with self.db.transaction() as session:
            query = select(Delivery).where(
                or_(
                    (Delivery.state == states.PENDING)
                    & (Delivery.due_at <= now)
                    & (Delivery.claimed_at.is_(None) | (Delivery.claimed_at < stale)),
                    (Delivery.state == states.SENDING) & (Delivery.claimed_at < stale),
                )
            )
            rows = session.scalars(query.order_by(Delivery.due_at).limit(self.policy.batch)).all()
            for row in rows:
                row.state, row.claimed_at = states.PENDING, now
            return [row.id for row in rows]

    def _plan_reminders(self, session: Session, now: datetime) -> dict[int, list[str]]:
        query = (
            select(Reminder)
            .where(Reminder.status == SCHEDULED, Reminder.next_at <= now)
            .order_by(Reminder.next_at)
            .limit(self.policy.batch)
            .with_for_update(skip_locked=True)
        )
        missed: dict[int, list[str]] = {}
        for reminder in session.scalars(query):
            for occurrence in self._due_occurrences(reminder, now):
                if now - occurrence > self.policy.grace:
                    missed.setdefault(reminder.user_id, []).append(
                        f"{reminder.title} ({format_when(occurrence, reminder.timezone)})"
                    )
                    self._record(session, reminder, occurrence, now, state=states.MISSED)
                else:
                    self._record(session, reminder, occurrence, now)
        return missed

    def _due_occurrences(self, reminder: Reminder, now: datetime) -> list[datetime]:
        """Occurrences from `next_at` up to now; advances `next_at` past them."""
        assert reminder.next_at is not None
        due = [reminder.next_at]
        following = self._after(reminder, reminder.next_at)
        while following is not None and following <= now and len(due) < 1000:
            due.append(following)
            following = self._after(reminder, following)
        reminder.next_at = following
        if following is None:
            reminder.status = SENT
        return due

    @staticmethod
    def _after(reminder: Reminder, moment: datetime) -> datetime | None:
        if not reminder.recurrence:
            return None
        return recurrence.next_after(
            reminder.recurrence, reminder.remind_at, reminder.timezone, moment
        )

    def _record(
        self,
        session: Session,
        reminder: Reminder,
        occurrence: datetime,
        now: datetime,
        state: str = states.PENDING,
    ) -> None:
        first = addresses(session, reminder.user_id, self.defaults)[0]
        note = {
            "title": reminder.title,
            "body": format_when(occurrence, reminder.timezone),
            "late": now - occurrence > self.policy.late_after,
        }
        _insert_once(
            session,
            Delivery(
                key=f"reminder:{reminder.id}:{occurrence.isoformat()}:{_channel_key(first)}",
                user_id=reminder.user_id,
                kind="reminder",
                reminder_id=reminder.id,
                occurrence_at=occurrence,
                channel_kind=first.kind,
                channel_target=first.target,
                channel_position=0,
                state=state,
                due_at=now,
                late=bool(note["late"]),
                requires_ack=reminder.requires_ack,
                payload=note,
            ),
        )

    def _plan_digests(self, session: Session, now: datetime, missed: dict[int, list[str]]) -> None:
        for user_id, lines in missed.items():
            first = addresses(session, user_id, self.defaults)[0]
            body = "\n".join(f"- {line}" for line in lines)
            _insert_once(
                session,
                Delivery(
                    key=f"digest:{user_id}:{now.isoformat()}:{_channel_key(first)}",
                    user_id=user_id,
                    kind="digest",
                    occurrence_at=now,
                    channel_kind=first.kind,
                    channel_target=first.target,
                    due_at=now,
                    payload={"title": f"Missed while you were away ({len(lines)})", "body": body},
                ),
            )

    def _plan_escalations(self, session: Session, now: datetime) -> None:
        query = (
            select(Delivery, User)
            .join(User, User.id == Delivery.user_id)
            .where(
                Delivery.state == states.SENT,
                Delivery.requires_ack.is_(True),
                Delivery.escalated.is_(False),
            )
        )
        for delivery, user in session.execute(query).all():
            assert delivery.sent_at is not None
            if now - delivery.sent_at >= timedelta(minutes=user.escalate_minutes):
                self._escalate(session, delivery, now)

    def _escalate(self, session: Session, delivery: Delivery, now: datetime) -> None:
        delivery.escalated = True
        chain = addresses(session, delivery.user_id, self.defaults)
        position = delivery.channel_position + 1
        if position >= len(chain):
            return
        target = chain[position]
        key = delivery.key.rsplit(":", 2)[0] + f":{_channel_key(target)}"
        _insert_once(
            session,
            Delivery(
                key=key,
                user_id=delivery.user_id,
                kind=delivery.kind,
                reminder_id=delivery.reminder_id,
                occurrence_at=delivery.occurrence_at,
                channel_kind=target.kind,
                channel_target=target.target,
                channel_position=position,
                due_at=now,
                late=delivery.late,
                requires_ack=delivery.requires_ack,
                payload={**delivery.payload, "escalated": True},
            ),
        )

    def _plan_briefs(self, now: datetime) -> None:
        """One brief per user and local day, once its local time has come (DST-safe)."""
        from core.services.briefings import brief_due

        assert self.brief is not None
        with self.db.transaction() as session:
            due = []
            for user in session.scalars(select(User).where(User.brief_time.is_not(None))):
                day, first = brief_due(user, now), addresses(session, user.id, self.defaults)[0]
                key = f"brief:{user.id}:{day}:{_channel_key(first)}"
                if day and session.scalar(select(Delivery.id).where(Delivery.key == key)) is None:
                    due.append((user.id, key, first))
        for user_id, key, first in due:  # built outside the transaction: it reads a lot
            note = self.brief(user_id, now)
            with self.db.transaction() as session:
                _insert_once(
                    session,
                    Delivery(
                        key=key,
                        user_id=user_id,
                        kind="brief",
                        occurrence_at=now,
                        channel_kind=first.kind,
                        channel_target=first.target,
                        due_at=now,
                        payload={"title": note.title, "body": note.body},
                    ),
                )

    # --- sending (a worker) -----------------------------------------------------------------

    def send(self, delivery_id: int) -> str:
        """Claim, send and record one delivery; returns its state afterwards. Idempotent."""
        claimed = self._claim(delivery_id)
        if claimed is None:
            return "skipped"
        address, note = claimed
        notifier = self.notifiers.get(address.kind)
        try:
            if notifier is None:
                raise LookupError(f"no sender is configured for {address.kind}")
            notifier.send(address, note)
        except Exception as error:  # any channel failure is retried, then recorded
            return self._failed(delivery_id, error)
        return self._finish(delivery_id, states.SENT)

    def _claim(self, delivery_id: int) -> tuple[Address, Note] | None:
        now = self.clock.now()
        with self.db.transaction() as session:
            delivery = session.get(Delivery, delivery_id)
            if delivery is None or delivery.state not in (states.PENDING, states.SENDING):
                return None
            if (
                delivery.state == states.SENDING
                and delivery.claimed_at
                and (now - delivery.claimed_at < self.policy.claim_timeout)
            ):
                return None  # another worker holds a live claim
            held_until = self._quiet(session, delivery, now)
            if held_until is not None:
                delivery.state, delivery.due_at, delivery.claimed_at = (
                    states.PENDING,
                    held_until,
                    None,
                )
                return None
            claimed = session.execute(
                update(Delivery)
                .where(
                    Delivery.id == delivery_id,
                    Delivery.state == delivery.state,
                    Delivery.attempts == delivery.attempts,
                )
                .values(state=states.SENDING, claimed_at=now, attempts=delivery.attempts + 1)
            ).rowcount
            if claimed != 1:
                return None
            return Address(delivery.channel_kind, delivery.channel_target), _note(delivery)

    def _quiet(self, session: Session, delivery: Delivery, now: datetime) -> datetime | None:
        if delivery.kind == "reminder" and delivery.reminder_id is not None:
            reminder = session.get(Reminder, delivery.reminder_id)
            if reminder is not None and reminder.urgent:
                return None
        user = session.get(User, delivery.user_id)
        return quiet_until(user, now) if user else None

    def _failed(self, delivery_id: int, error: Exception) -> str:
        now = self.clock.now()
        with self.db.transaction() as session:
            delivery = session.get_one(Delivery, delivery_id)
            delivery.last_error = f"{type(error).__name__}: {error}"[:500]
            delivery.claimed_at = None
            if delivery.attempts >= self.policy.max_attempts:
                delivery.state = states.FAILED
                self._escalate(session, delivery, now)
            else:
                wait = self.policy.backoff[min(delivery.attempts, len(self.policy.backoff)) - 1]
                delivery.state, delivery.due_at = states.PENDING, now + wait
            return delivery.state

    def _finish(self, delivery_id: int, state: str) -> str:
        with self.db.transaction() as session:
            delivery = session.get_one(Delivery, delivery_id)
            if delivery.state == states.SENDING:
                delivery.state, delivery.sent_at = state, self.clock.now()
            return delivery.state

    # --- acknowledging ----------------------------------------------------------------------

    def acknowledge(self, user_id: int, reminder_id: int) -> int:
        """Mark every outstanding delivery of a reminder seen (stops escalation)."""
        now = self.clock.now()
        with self.db.transaction() as session:
            reminder = session.get(Reminder, reminder_id)
            if reminder is None or reminder.user_id != user_id:
                from core.errors import NotFound

                raise NotFound(f"No reminder #{reminder_id}. See `aurelius remind list --all`.")
            rows = session.execute(
                update(Delivery)
                .where(
                    Delivery.reminder_id == reminder_id,
                    Delivery.state.in_([states.PENDING, states.SENDING, states.SENT]),
                )
                .values(state=states.ACKNOWLEDGED, acknowledged_at=now)
            ).rowcount
            if reminder.status == SENT:
                reminder.status = ACKNOWLEDGED
            return int(rows)


def _insert_once(session: Session, delivery: Delivery) -> None:
    """Insert unless a delivery with the same key exists (a retry or a second planner)."""
    if session.scalar(select(Delivery.id).where(Delivery.key == delivery.key)) is not None:
        return
    try:
        with session.begin_nested():
            session.add(delivery)
    except IntegrityError:
        pass  # a concurrent planner recorded it first: that one is delivered


def _channel_key(address: Address) -> str:
    return f"{address.kind}-{address.target}" if address.target else address.kind


def _note(delivery: Delivery) -> Note:
    payload = delivery.payload or {}
    title = str(payload.get("title", ""))
    if payload.get("late"):
        title += " (late)"
    actions = ("ack", "snooze") if delivery.kind == "reminder" else ()
    return Note(
        title=title,
        body=str(payload.get("body", "")),
        kind=delivery.kind,
        delivery_id=delivery.id,
        reminder_id=delivery.reminder_id,
        actions=actions,
        data={"occurrence_at": delivery.occurrence_at.isoformat()},
    )
