"""Per-user notification channels, in order of preference, and quiet hours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import Invalid, NotFound
from core.models import NotificationChannel, User
from core.ports import Address
from core.timeutil import localize, zone

KINDS = ("terminal", "webhook", "email", "telegram", "slack")
DEFAULT = Address("terminal")


@dataclass(frozen=True)
class ChannelView:
    id: int
    kind: str
    target: str
    position: int


class ChannelService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, user_id: int, kind: str, target: str = "") -> ChannelView:
        kind = kind.lower()
        if kind not in KINDS:
            raise Invalid(f"Unknown channel {kind!r}; use one of {', '.join(KINDS)}.")
        if kind == "webhook" and not target.startswith(("http://", "https://")):
            raise Invalid("A webhook needs an http(s) URL, e.g. https://ntfy.example/aurelius.")
        if kind == "email" and "@" not in target:
            raise Invalid("An email channel needs an address, e.g. me@example.com.")
        with self.db.transaction() as session:
            last = session.scalar(
                select(func.max(NotificationChannel.position)).where(
                    NotificationChannel.user_id == user_id
                )
            )
            channel = NotificationChannel(
                user_id=user_id, kind=kind, target=target, position=(last or 0) + 1
            )
            session.add(channel)
            session.flush()
            return _view(channel)

    def remove(self, user_id: int, channel_id: int) -> None:
        with self.db.transaction() as session:
            channel = session.get(NotificationChannel, channel_id)
            if channel is None or channel.user_id != user_id:
                raise NotFound(f"No channel #{channel_id}. See `aurelius notify channels`.")
            session.delete(channel)

    def list(self, user_id: int) -> list[ChannelView]:
        with self.db.transaction() as session:
            return [_view(c) for c in _ordered(session, user_id)]

    def set_quiet_hours(self, user_id: int, start: str | None, end: str | None) -> None:
        for value in (start, end):
            if value is not None:
                _clock_time(value)
        with self.db.transaction() as session:
            user = _user(session, user_id)
            user.quiet_start, user.quiet_end = start, end

    def set_brief_time(self, user_id: int, at: str | None) -> None:
        if at is not None:
            _clock_time(at)
        with self.db.transaction() as session:
            _user(session, user_id).brief_time = at


def addresses(
    session: Session, user_id: int, defaults: tuple[Address, ...] = (DEFAULT,)
) -> list[Address]:
    """The user's channels in escalation order; `defaults` when none is configured."""
    found = [Address(c.kind, c.target) for c in _ordered(session, user_id)]
    return found or list(defaults)


def quiet_until(user: User, now: datetime) -> datetime | None:
    """When the quiet hours that contain `now` end, or None outside quiet hours."""
    if not user.quiet_start or not user.quiet_end:
        return None
    local = now.astimezone(zone(user.timezone))
    start, end = _clock_time(user.quiet_start), _clock_time(user.quiet_end)
    for day in (local.date() - timedelta(days=1), local.date()):
        opens = localize(datetime.combine(day, start), user.timezone)
        closes_day = day if end > start else day + timedelta(days=1)
        closes = localize(datetime.combine(closes_day, end), user.timezone)
        if opens <= now < closes:
            return closes
    return None


def _ordered(session: Session, user_id: int) -> list[NotificationChannel]:
    query = select(NotificationChannel).where(NotificationChannel.user_id == user_id)
    return list(session.scalars(query.order_by(NotificationChannel.position)))


def _user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user #{user_id}.")
    return user


def _clock_time(value: str) -> time:
    try:
        return time.fromisoformat(value)
    except ValueError:
        raise Invalid(f"{value!r} is not a time of day; write it like 22:00.") from None


def _view(channel: NotificationChannel) -> ChannelView:
    return ChannelView(channel.id, channel.kind, channel.target, channel.position)
