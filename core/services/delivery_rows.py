"""Building and storing `Delivery` rows: keys, payloads, bulk insert that skips known keys."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Delivery, Reminder
from core.models import delivery as states
from core.ports import Address, Note
from core.services.channels import addresses
from core.services.users import user_timezone
from core.timeutil import format_when

CHUNK = 500  # keys per IN (...) query: well under every database's parameter limit


class Chains:
    """Each user's channel list and current zone, read once per planning pass."""

    def __init__(self, session: Session, defaults: tuple[Address, ...]) -> None:
        self.session = session
        self.defaults = defaults
        self.cache: dict[int, list[Address]] = {}
        self.zones: dict[int, str] = {}

    def __call__(self, user_id: int) -> list[Address]:
        if user_id not in self.cache:
            self.cache[user_id] = addresses(self.session, user_id, self.defaults)
        return self.cache[user_id]

    def zone(self, user_id: int) -> str:
        """Where the user is now: times in notifications are shown there."""
        if user_id not in self.zones:
            self.zones[user_id] = user_timezone(self.session, user_id)
        return self.zones[user_id]


def channel_key(address: Address) -> str:
    return f"{address.kind}-{address.target}" if address.target else address.kind


def digest_key(user_id: int, now: datetime, channel: Address) -> str:
    return f"digest:{user_id}:{now.isoformat()}:{channel_key(channel)}"


def for_reminder(
    reminder: Reminder,
    occurrence: datetime,
    now: datetime,
    channel: Address,
    *,
    tz: str,
    late: bool,
    digest: str | None = None,
) -> Delivery:
    """`digest`: the key of the missed digest that lists this occurrence instead."""
    return Delivery(
        key=f"reminder:{reminder.id}:{occurrence.isoformat()}:{channel_key(channel)}",
        user_id=reminder.user_id,
        kind="reminder",
        reminder_id=reminder.id,
        occurrence_at=occurrence,
        channel_kind=channel.kind,
        channel_target=channel.target,
        channel_position=0,
        state=states.MISSED if digest else states.PENDING,
        due_at=now,
        late=late,
        attempts=0,
        escalated=False,
        requires_ack=reminder.requires_ack,
        payload={
            "title": reminder.title,
            "body": format_when(occurrence, tz),
            "late": late,
            **({"digest": digest} if digest else {}),
        },
    )


def for_user(
    kind: str, key: str, user_id: int, now: datetime, channel: Address, title: str, body: str
) -> Delivery:
    """A delivery that belongs to no reminder: a brief or a missed-while-away digest."""
    return Delivery(
        key=key,
        user_id=user_id,
        kind=kind,
        occurrence_at=now,
        attempts=0,
        channel_kind=channel.kind,
        channel_target=channel.target,
        due_at=now,
        state=states.PENDING,
        escalated=False,
        late=False,
        requires_ack=False,
        payload={"title": title, "body": body},
    )


def escalated(
    delivery: Delivery, channel: Address, position: int, now: datetime, *, failed: bool = False
) -> Delivery:
    """The same notification on the next channel; `failed`: because this one never got
    through (the note then says so)."""
    note = {"failed_on": delivery.channel_kind} if failed else {}
    return Delivery(
        key=f"{delivery.kind}:{delivery.reminder_id or delivery.user_id}:"
        f"{delivery.occurrence_at.isoformat()}:{channel_key(channel)}",
        user_id=delivery.user_id,
        kind=delivery.kind,
        reminder_id=delivery.reminder_id,
        occurrence_at=delivery.occurrence_at,
        channel_kind=channel.kind,
        channel_target=channel.target,
        channel_position=position,
        state=states.PENDING,
        due_at=now,
        late=delivery.late,
        requires_ack=delivery.requires_ack,
        attempts=0,
        escalated=False,
        payload={**delivery.payload, "escalated": True, **note},
    )


def note_first_channel(
    session: Session,
    kind: str,
    key: str,
    user_id: int,
    now: datetime,
    title: str,
    body: str,
    defaults: tuple[Address, ...],
) -> None:
    """One note for the person on their first channel; `key` (plus the channel) makes it
    once only."""
    first = addresses(session, user_id, defaults)[0]
    row = for_user(kind, f"{key}:{channel_key(first)}", user_id, now, first, title, body)
    add_new(session, [row])


def add_new(session: Session, rows: Iterable[Delivery]) -> int:
    """Add the rows whose key is not stored yet; returns how many were added.

    A concurrent writer with the same key makes the commit fail as a whole (the unique key),
    and the next pass finds the key stored and skips it: nothing is delivered twice.
    """
    pending = {row.key: row for row in rows}
    keys = list(pending)
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        for known in session.scalars(select(Delivery.key).where(Delivery.key.in_(chunk))):
            pending.pop(known, None)
    session.add_all(pending.values())
    return len(pending)


def note(delivery: Delivery) -> Note:
    payload = delivery.payload or {}
    title = str(payload.get("title", ""))
    if payload.get("late"):
        title += " (late)"
    body = str(payload.get("body", ""))
    if payload.get("failed_on"):
        body += f"\n(Sent here because it could not reach you on {payload['failed_on']}.)"
    actions = ("ack", "snooze") if delivery.kind == "reminder" else ()
    return Note(
        title=title,
        body=body.strip(),
        kind=delivery.kind,
        delivery_id=delivery.id,
        reminder_id=delivery.reminder_id,
        actions=actions,
        data={"occurrence_at": delivery.occurrence_at.isoformat()},
        key=hashlib.sha256(delivery.key.encode()).hexdigest()[:32],
    )
