"""Reminder delivery: at most once per occurrence and channel, never silently dropped.

The database is the source of truth. `plan()` (run by the scheduler's leader) turns due
reminder occurrences and briefs into `Delivery` rows with a unique key and returns the ids that
are ready to send; `send()` (run by a worker) claims one delivery, sends it and records the
outcome. A claim expires after `claim_timeout`, so a delivery whose worker died is sent again.

The one window for a duplicate: a worker that dies after the channel accepted a notification
but before the `sent` state is committed. The next attempt sends it once more.

A timeout after the request went out (`DeliveryUncertain`) may mean it arrived: it is retried
on the longer `uncertain_backoff`, and every attempt carries the same key (`Note.key`) so the
receiver can drop the repeats.

States: pending -> sending -> sent -> acknowledged, or -> failed after `max_attempts` (then the
next channel of the user's list gets it, saying why); occurrences older than `grace` when
first seen become `missed` and are listed in one digest instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core import recurrence
from core.db import Database, emit
from core.errors import DeliveryUncertain, NotFound
from core.models import Delivery, Reminder, User
from core.models import delivery as states
from core.models.reminder import ACKNOWLEDGED, SCHEDULED, SENT
from core.ports import Address, Clock, Metrics, NoMetrics, Note, Notifier
from core.services import delivery_rows as rows_
from core.services.channels import DEFAULT, quiet_until
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
    uncertain_backoff: tuple[timedelta, ...] = (
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=15),
        timedelta(minutes=30),
    )
    """Waits after a timeout once the request was sent: the receiver may just be slow."""
    batch: int = 1000


SENDERS = 16  # notifications of one batch sent side by side (network waits, not CPU)
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
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics or NoMetrics()
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
        chains, rows = rows_.Chains(session, self.defaults), []
        missed: dict[int, list[str]] = {}
        for reminder in session.scalars(query):
            first, tz = chains(reminder.user_id)[0], chains.zone(reminder.user_id)
            for occurrence in self._due_occurrences(reminder, now):
                overdue, digest = now - occurrence, None
                if overdue > self.policy.grace:
                    digest = rows_.digest_key(reminder.user_id, now, first)
                    line = f"{reminder.title} ({format_when(occurrence, tz, now)})"
                    missed.setdefault(reminder.user_id, []).append(line)
                late = overdue > self.policy.late_after
                rows.append(
                    rows_.for_reminder(
                        reminder, occurrence, now, first, tz=tz, late=late, digest=digest
                    )
                )
        rows_.add_new(session, rows)
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

    def _plan_digests(self, session: Session, now: datetime, missed: dict[int, list[str]]) -> None:
        chains = rows_.Chains(session, self.defaults)
        rows_.add_new(
            session,
            [
                rows_.for_user(
                    "digest",
                    rows_.digest_key(user_id, now, chains(user_id)[0]),
                    user_id,
                    now,
                    chains(user_id)[0],
                    f"Missed while you were away ({len(lines)})",
                    "\n".join(f"- {line}" for line in lines),
                )
                for user_id, lines in missed.items()
            ],
        )

    def _plan_escalations(self, session: Session, now: datetime) -> None:
        query = (
            select(Delivery, User.escalate_minutes)
            .join(User, User.id == Delivery.user_id)
            .where(
                Delivery.state == states.SENT,
                Delivery.requires_ack.is_(True),
                Delivery.escalated.is_(False),
            )
        )
        chains, rows = rows_.Chains(session, self.defaults), []
        for delivery, minutes in session.execute(query).all():
            assert delivery.sent_at is not None
            if now - delivery.sent_at >= timedelta(minutes=minutes):
                rows.extend(self._escalate(delivery, chains, now))
        rows_.add_new(session, rows)

    @staticmethod
    def _escalate(
        delivery: Delivery, chains: rows_.Chains, now: datetime, *, failed: bool = False
    ) -> list[Delivery]:
        """The same notification on the next channel of the user's list, if there is one."""
        delivery.escalated = True
        chain, position = chains(delivery.user_id), delivery.channel_position + 1
        if position >= len(chain):
            return []
        return [rows_.escalated(delivery, chain[position], position, now, failed=failed)]

    def _plan_briefs(self, now: datetime) -> None:
        """One brief per user and local day, once its local time has come (DST-safe)."""
        from core.services.briefings import brief_due

        assert self.brief is not None
        with self.db.transaction() as session:
            chains, due = rows_.Chains(session, self.defaults), []
            for user in session.scalars(select(User).where(User.brief_time.is_not(None))):
                day, first = brief_due(user, now), chains(user.id)[0]
                key = f"brief:{user.id}:{day}:{rows_.channel_key(first)}"
                if day and session.scalar(select(Delivery.id).where(Delivery.key == key)) is None:
                    due.append((user.id, key, first))
        for user_id, key, first in due:  # built outside the transaction: it reads a lot
            note = self.brief(user_id, now)
            with self.db.transaction() as session:
                rows_.add_new(
                    session,
                    [rows_.for_user("brief", key, user_id, now, first, note.title, note.body)],
                )

    # --- sending (workers) ------------------------------------------------------------------

    def send(self, delivery_id: int) -> str:
        """Claim, send and record one delivery; returns its state afterwards. Idempotent."""
        return self.send_batch([delivery_id]).get(delivery_id, "skipped")

    def send_batch(self, delivery_ids: list[int]) -> dict[int, str]:
        """Claim the deliveries in one transaction, send them side by side, record outcomes.

        Deliveries already sent, held by a live claim, or in quiet hours are left out.
        """
        claimed = self._claim(delivery_ids)
        if not claimed:
            return {}
        with ThreadPoolExecutor(max_workers=min(len(claimed), SENDERS)) as pool:
            errors = dict(zip(claimed, pool.map(self._deliver, claimed.values()), strict=True))
        outcome = self._finish([i for i, error in errors.items() if error is None])
        for delivery_id, error in errors.items():
            if error is not None:
                outcome[delivery_id] = self._failed(delivery_id, error)
        for state in outcome.values():
            self.metrics.count("aurelius_deliveries_total", state=state)
        return outcome

    def _deliver(self, claimed: tuple[Address, Note]) -> Exception | None:
        address, note = claimed
        notifier = self.notifiers.get(address.kind)
        try:
            if notifier is None:
                raise LookupError(f"no sender is configured for {address.kind}")
            notifier.send(address, note)
        except Exception as error:  # any channel failure is retried, then recorded
            return error
        return None

    def _claim(self, delivery_ids: list[int]) -> dict[int, tuple[Address, Note]]:
        now, stale = self.clock.now(), self.clock.now() - self.policy.claim_timeout
        with self.db.transaction() as session:
            rows = session.scalars(
                select(Delivery).where(
                    Delivery.id.in_(delivery_ids),
                    (Delivery.state == states.PENDING)
                    | ((Delivery.state == states.SENDING) & (Delivery.claimed_at < stale)),
                )
            ).all()
            held = self._hold_for_quiet_hours(session, rows, now)
            wanted = [row.id for row in rows if row.id not in held]
            if not wanted:
                return {}
            # One conditional UPDATE claims them: a row another worker claimed meanwhile no
            # longer matches, so each delivery has exactly one sender.
            won = set(
                session.scalars(
                    update(Delivery)
                    .where(
                        Delivery.id.in_(wanted),
                        (Delivery.state == states.PENDING)
                        | ((Delivery.state == states.SENDING) & (Delivery.claimed_at < stale)),
                    )
                    .values(state=states.SENDING, claimed_at=now, attempts=Delivery.attempts + 1)
                    .returning(Delivery.id)
                )
            )
            return {
                row.id: (Address(row.channel_kind, row.channel_target), rows_.note(row))
                for row in rows
                if row.id in won
            }

    def _hold_for_quiet_hours(
        self, session: Session, rows: Sequence[Delivery], now: datetime
    ) -> set[int]:
        users = {
            u.id: u
            for u in session.scalars(
                select(User).where(
                    User.id.in_({r.user_id for r in rows}), User.quiet_start.is_not(None)
                )
            )
        }
        if not users:
            return set()
        urgent = set(
            session.scalars(
                select(Reminder.id).where(
                    Reminder.id.in_({r.reminder_id for r in rows if r.reminder_id}), Reminder.urgent
                )
            )
        )
        held = set()
        for row in rows:
            until = quiet_until(users[row.user_id], now) if row.user_id in users else None
            if until is not None and row.reminder_id not in urgent:
                row.state, row.due_at, row.claimed_at = states.PENDING, until, None
                held.add(row.id)
        return held

    def _failed(self, delivery_id: int, error: Exception) -> str:
        now = self.clock.now()
        with self.db.transaction() as session:
            delivery = session.get_one(Delivery, delivery_id)
            delivery.last_error = f"{type(error).__name__}: {error}"[:500]
            delivery.claimed_at = None
            if delivery.attempts >= self.policy.max_attempts:
                delivery.state = states.FAILED
                chains = rows_.Chains(session, self.defaults)
                rows_.add_new(session, self._escalate(delivery, chains, now, failed=True))
            else:
                delivery.state, delivery.due_at = states.PENDING, now + self._wait(delivery, error)
            return delivery.state

    def _wait(self, delivery: Delivery, error: Exception) -> timedelta:
        steps = (
            self.policy.uncertain_backoff
            if isinstance(error, DeliveryUncertain)
            else self.policy.backoff
        )
        return steps[min(delivery.attempts, len(steps)) - 1]

    def _finish(self, delivery_ids: list[int]) -> dict[int, str]:
        if not delivery_ids:
            return {}
        with self.db.transaction() as session:
            now = self.clock.now()
            sent = session.execute(
                update(Delivery)
                .where(Delivery.id.in_(delivery_ids), Delivery.state == states.SENDING)
                .values(state=states.SENT, sent_at=now)
                .returning(Delivery.id, Delivery.occurrence_at)
            ).all()
        done = {row.id for row in sent}
        for row in sent:  # how long after the moment it was meant for it went out
            lateness = (now - row.occurrence_at).total_seconds()
            self.metrics.observe("aurelius_delivery_lateness_seconds", max(lateness, 0.0))
        # A delivery acknowledged while it was being sent keeps that state.
        return {i: (states.SENT if i in done else states.ACKNOWLEDGED) for i in delivery_ids}

    # --- acknowledging ----------------------------------------------------------------------

    def acknowledge(self, user_id: int, reminder_id: int) -> int:
        """Mark every outstanding delivery of a reminder seen (stops escalation)."""
        now = self.clock.now()
        with self.db.transaction() as session:
            reminder = session.get(Reminder, reminder_id)
            if reminder is None or reminder.user_id != user_id:
                raise NotFound(f"No reminder #{reminder_id}. See `aurelius remind list --all`.")
            rows = session.scalars(
                update(Delivery)
                .where(
                    Delivery.reminder_id == reminder_id,
                    Delivery.state.in_([states.PENDING, states.SENDING, states.SENT]),
                )
                .values(state=states.ACKNOWLEDGED, acknowledged_at=now)
                .returning(Delivery.id)
            ).all()
            if reminder.status == SENT:
                reminder.status = ACKNOWLEDGED
            emit(session, "reminder.changed", user_id=user_id, id=reminder_id, action="ack")
            return len(rows)
