"""What a reminder's status says, read from its deliveries so every view tells the same truth.

A reminder with occurrences still to come is `scheduled` (`due` once its time has passed but
`aurelius run` has not handed it out yet); `cancelled` is kept as stored. Otherwise its last
occurrence's deliveries decide, best outcome first: `acknowledged`, `sent`, `sending` (being
sent or retried), `failed` (every retry failed), `missed` (too old when first seen; listed
in a digest instead).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Delivery, Reminder
from core.models import delivery as states
from core.models.reminder import ACKNOWLEDGED, CANCELLED, SCHEDULED
from core.timeutil import format_when

DUE, SENDING = "due", "sending"
# Best first: one channel that got through outweighs another that failed.
PRECEDENCE = (
    (states.ACKNOWLEDGED, ACKNOWLEDGED),
    (states.SENT, states.SENT),
    (states.SENDING, SENDING),
    (states.PENDING, SENDING),
    (states.FAILED, states.FAILED),
    (states.MISSED, states.MISSED),
)


@dataclass(frozen=True)
class Status:
    name: str
    detail: str | None = None


def statuses(
    session: Session, reminders: Sequence[Reminder], now: datetime, tz: str | None
) -> dict[int, Status]:
    """Each reminder's status; `tz` is the zone times in the details are shown in (None:
    names only, for counting)."""
    done = [r.id for r in reminders if r.status not in (SCHEDULED, CANCELLED)]
    latest = _last_occurrence_deliveries(session, done)
    found: dict[int, Status] = {}
    for reminder in reminders:
        if reminder.status == SCHEDULED:
            due = reminder.next_at is not None and reminder.next_at <= now
            found[reminder.id] = Status(DUE if due else SCHEDULED)
        elif reminder.id in latest:
            found[reminder.id] = _from_deliveries(session, latest[reminder.id], tz, now)
        else:
            found[reminder.id] = Status(reminder.status)
    return found


def _last_occurrence_deliveries(session: Session, ids: list[int]) -> dict[int, list[Delivery]]:
    latest: dict[int, list[Delivery]] = {}
    if not ids:
        return latest
    query = select(Delivery).where(Delivery.reminder_id.in_(ids), Delivery.kind == "reminder")
    for delivery in session.scalars(query.order_by(Delivery.occurrence_at.desc())):
        rows = latest.setdefault(delivery.reminder_id or 0, [])
        if not rows or rows[0].occurrence_at == delivery.occurrence_at:
            rows.append(delivery)
    return latest


def _from_deliveries(
    session: Session, rows: list[Delivery], tz: str | None, now: datetime
) -> Status:
    present = {row.state for row in rows}
    name = next(shown for state, shown in PRECEDENCE if state in present)
    if tz is None:
        return Status(name)
    if name == states.FAILED:
        failed = max((r for r in rows if r.state == states.FAILED), key=lambda r: r.attempts)
        return Status(name, f"{failed.attempts} tries on {failed.channel_kind}: "
                            f"{failed.last_error or 'no answer'}")
    if name == states.MISSED:
        return Status(name, _digest(session, rows, tz, now))
    return Status(name)


def _digest(session: Session, rows: list[Delivery], tz: str, now: datetime) -> str | None:
    keys = [str(r.payload.get("digest")) for r in rows if r.payload and r.payload.get("digest")]
    digest = session.scalars(select(Delivery).where(Delivery.key.in_(keys))).first()
    if digest is None:
        return None
    return f"in the missed digest of {format_when(digest.occurrence_at, tz, now)} ({digest.state})"
