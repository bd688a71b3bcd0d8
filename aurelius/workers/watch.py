"""What `aurelius run` shows while it works: what it delivers next and when, and every
delivery that failed after all its retries (the reminder is then listed as `failed`).

In a terminal the "next:" line is redrawn in place every tick; piped into a file it is
written again only when the next reminder changes, so logs stay short.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, TextIO

from sqlalchemy import select

from core.models import Delivery, Reminder
from core.models import delivery as states
from core.models.reminder import SCHEDULED
from core.services.users import user_timezone
from core.timeutil import format_when

if TYPE_CHECKING:
    from aurelius.bootstrap import Services

CLEAR = "\r\x1b[K"
log = logging.getLogger(__name__)


def countdown(left: timedelta) -> str:
    """'58 s', '12 min', '3 h 05 min', '2 days' (rounded down; never negative)."""
    seconds = max(int(left.total_seconds()), 0)
    if seconds < 90:
        return f"{seconds} s"
    if seconds < 90 * 60:
        return f"{seconds // 60} min"
    if seconds < 48 * 3600:
        return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
    return f"{seconds // 86400} days"


class RunWatch:
    def __init__(self, services: Services, user_id: int, stream: TextIO) -> None:
        self.services, self.user_id, self.stream = services, user_id, stream
        self.tty = stream.isatty()
        self.shown: tuple[int, datetime] | str | None = "nothing yet"
        self.reported = self._failed_ids()  # failures from before this run were reported then

    def write(self, text: str) -> None:
        self.stream.write(text)
        self.stream.flush()

    def refresh(self) -> None:
        for line in self._new_failures():
            self.write(f"{CLEAR if self.tty else ''}{line}\n")
            self.shown = "redraw"
        self._show_next()

    def _show_next(self) -> None:
        now = self.services.clock.now()
        with self.services.db.transaction() as session:
            tz = user_timezone(session, self.user_id)
            upcoming = session.scalars(
                select(Reminder)
                .where(Reminder.user_id == self.user_id, Reminder.status == SCHEDULED)
                .where(Reminder.next_at.is_not(None))
                .order_by(Reminder.next_at)
                .limit(1)
            ).first()
            key = (upcoming.id, upcoming.next_at) if upcoming and upcoming.next_at else None
            if self.tty or key != self.shown:
                self.write(self._next_line(upcoming, now, tz))
            self.shown = key

    def _next_line(self, upcoming: Reminder | None, now: datetime, tz: str) -> str:
        if upcoming is None or upcoming.next_at is None:
            text = "next: nothing scheduled (add one with `aurelius remind ...`)"
        else:
            due = upcoming.next_at
            when = "now" if due <= now else f"in {countdown(due - now)}"
            text = f"next: {upcoming.title!r} {when} ({format_when(due, tz, now)})"
        return f"{CLEAR}{text}" if self.tty else f"{text}\n"

    def _failed_ids(self) -> set[int]:
        with self.services.db.transaction() as session:
            query = select(Delivery.id).where(
                Delivery.state == states.FAILED, Delivery.user_id == self.user_id
            )
            return set(session.scalars(query))

    def _new_failures(self) -> list[str]:
        fresh = self._failed_ids() - self.reported
        if not fresh:
            return []
        self.reported |= fresh
        with self.services.db.transaction() as session:
            rows = session.scalars(select(Delivery).where(Delivery.id.in_(fresh))).all()
            return [
                f"✗ {str(row.payload.get('title', row.kind))!r} could not be delivered to "
                f"{row.channel_kind} after {row.attempts} tries ({row.last_error or 'no answer'})."
                " See `aurelius remind list --all`."
                for row in sorted(rows, key=lambda r: r.id)
            ]


def follow(watch: RunWatch, stop: threading.Event, interval: float) -> None:
    """Refresh until `stop`; a failed refresh (a database hiccup) just waits for the next."""
    while True:
        try:
            watch.refresh()
        except Exception as error:  # the display must never take `aurelius run` down
            log.debug("could not refresh the run display: %s", error)
        if stop.wait(interval):
            return
