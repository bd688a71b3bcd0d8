"""The provider-agnostic calendar sync: pull a connection's calendars into Aurelius and push
the local changes waiting in the outbox back to the provider.

Each calendar's batch is applied in one transaction together with its new cursor, so a sync
killed half-way leaves the last committed state and the next run redoes the rest. A lost
cursor (`CursorExpired`) costs one full listing, which converges on the same state. A grant
that is gone (`AuthExpired`) or a provider that is down (`ProviderUnavailable`) is recorded
on the connection and ends its sync; it never escapes to the job that ran it.

A `RemoteEvent` replaces its series' stored occurrence changes with its `overrides`;
`RemoteInstance`s are merged on top (an adapter whose provider sends occurrence changes
apart from their series sends them again with a changed series).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import (
    AuthExpired,
    ConfigError,
    CursorExpired,
    EtagConflict,
    NotFound,
    ProviderUnavailable,
)
from core.models import CalendarWrite, Connection, Event, LinkedCalendar
from core.ports import CalendarSource, Clock, RemoteCalendar
from core.services import sync_push
from core.services.sync_apply import Mirror, Tally

log = logging.getLogger(__name__)
Sources = Callable[[Connection], CalendarSource]
Tell = Callable[[int, str], None]  # (user id, message): how a person hears of a conflict
SYNCABLE = ("active", "error")
# What ends one connection's sync, recorded on it (never raised out of a job).
STOPS = (AuthExpired, ProviderUnavailable, ConfigError)


@dataclass
class SyncReport:
    calendars: int = 0
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)
    requests: int = 0
    full: bool = False
    connection_id: int = 0
    pushed: int = 0
    conflicts: list[str] = field(default_factory=list)
    error: str | None = None

    def line(self) -> str:
        """One line for `aurelius sync`."""
        head = f"Connection #{self.connection_id}: "
        if self.error:
            return head + self.error
        kind = "full sync" if self.full else "synced"
        text = (
            f"{kind} of {self.calendars} calendar(s): {self.added} added, {self.updated} "
            f"updated, {self.removed} removed, {len(self.skipped)} skipped, "
            f"{self.pushed} sent, {self.requests} request(s)"
        )
        return head + text + (f"; {len(self.conflicts)} conflict(s)" if self.conflicts else "")


class CalendarSync:
    def __init__(
        self, db: Database, clock: Clock, sources: Sources, tell: Tell | None = None
    ) -> None:
        self.db, self.clock, self.sources, self.tell = db, clock, sources, tell

    def sync_connection(self, connection_id: int, full: bool = False) -> SyncReport:
        """Push what waits in the outbox, then pull every calendar of the connection."""
        report = SyncReport(connection_id=connection_id, full=full)
        connection = self._connection(connection_id)
        if connection.status not in SYNCABLE:
            report.error = f"not synced: the connection is {connection.status.replace('_', ' ')}"
            return report
        try:
            source = self.sources(connection)
            report.pushed = self._push(source, connection, report)
            self._pull(source, connection, report, full)
        except STOPS as exc:
            report.error = self._failed(connection_id, exc)
            return report
        self._succeeded(connection_id)
        return report

    def push_pending(self, connection_id: int) -> int:
        """Send the connection's due outbox rows; the number sent (never raises for a
        provider that is down or a grant that is gone: the rows wait)."""
        return self.push_report(connection_id).pushed

    def push_report(self, connection_id: int) -> SyncReport:
        """`push_pending`, reporting what was sent, the conflicts and what stopped it."""
        report = SyncReport(connection_id=connection_id)
        connection = self._connection(connection_id)
        if connection.status not in SYNCABLE or not self.waiting(connection_id):
            return report
        try:
            self._push(self.sources(connection), connection, report)
        except STOPS as exc:
            report.error = self._failed(connection_id, exc)
        return report

    def due(self, now: datetime, every_minutes: int) -> tuple[list[int], list[int]]:
        """Active connections not synced for `every_minutes`, and those with writes due."""
        since = now - timedelta(minutes=every_minutes)
        with self.db.transaction() as session:
            stale = session.scalars(
                select(Connection.id)
                .where(
                    Connection.status == "active",
                    or_(Connection.last_sync_at.is_(None), Connection.last_sync_at <= since),
                )
                .order_by(Connection.id)
            ).all()
            pushing = session.scalars(
                select(LinkedCalendar.connection_id)
                .join(CalendarWrite, CalendarWrite.calendar_id == LinkedCalendar.id)
                .join(Connection, Connection.id == LinkedCalendar.connection_id)
                .where(Connection.status == "active", CalendarWrite.next_attempt_at <= now)
                .distinct()
            ).all()
        return list(stale), list(pushing)

    def waiting(self, connection_id: int, due_only: bool = True) -> int:
        """How many writes of the connection wait (only those due now, by default)."""
        now = self.clock.now() if due_only else None
        with self.db.transaction() as session:
            query = (
                select(func.count(CalendarWrite.id))
                .join(LinkedCalendar, LinkedCalendar.id == CalendarWrite.calendar_id)
                .where(LinkedCalendar.connection_id == connection_id)
            )
            if now is not None:
                query = query.where(CalendarWrite.next_attempt_at <= now)
            return int(session.scalar(query) or 0)

    def connections(self, user_id: int) -> list[int]:
        """The ids of a user's connections that can sync."""
        with self.db.transaction() as session:
            return list(
                session.scalars(
                    select(Connection.id)
                    .where(Connection.user_id == user_id, Connection.status.in_(SYNCABLE))
                    .order_by(Connection.id)
                )
            )

    def _push(self, source: CalendarSource, connection: Connection, report: SyncReport) -> int:
        for write_id in sync_push.due(self.db, connection.id, self.clock.now()):
            try:
                report.pushed += sync_push.send(self.db, source, write_id)
            except EtagConflict:
                self._conflict(source, write_id, report)
            except ProviderUnavailable as exc:
                sync_push.postpone(self.db, write_id, self.clock.now(), str(exc))
                raise
        return report.pushed

    def _conflict(self, source: CalendarSource, write_id: int, report: SyncReport) -> None:
        """The provider's copy changed since Aurelius read it: its version wins."""
        found = sync_push.drop(self.db, write_id)
        if found is None:
            return
        user_id, calendar_id, title = found
        message = (
            f"{title!r} was changed in the provider's calendar since Aurelius last read it; "
            "the provider's version was kept and your change was not sent."
        )
        log.warning("sync conflict on calendar %s: %s", calendar_id, message)
        report.conflicts.append(message)
        if self.tell is not None:
            self.tell(user_id, message)
        with self.db.transaction() as session:
            calendar = session.get(LinkedCalendar, calendar_id)
        if calendar is not None:
            self._pull_calendar(source, calendar, report, full=False)

    def _pull(
        self, source: CalendarSource, connection: Connection, report: SyncReport, full: bool
    ) -> None:
        remote = source.calendars()
        report.requests += 1
        with self.db.transaction() as session:
            calendars, removed = _refresh_calendars(session, connection, remote)
        report.calendars, report.removed = len(calendars), report.removed + removed
        for calendar in calendars:
            self._pull_calendar(source, calendar, report, full)

    def _pull_calendar(
        self, source: CalendarSource, calendar: LinkedCalendar, report: SyncReport, full: bool
    ) -> None:
        try:
            batch = source.changes(calendar.remote_id, None if full else calendar.sync_cursor)
        except CursorExpired:
            log.info("sync cursor of calendar %s expired: syncing it in full", calendar.id)
            report.full = True
            batch = source.changes(calendar.remote_id, None)
        report.requests += batch.requests
        tally = Tally(skipped=list(batch.skipped))
        with self.db.transaction() as session:
            row = session.get(LinkedCalendar, calendar.id)
            if row is None:
                return
            Mirror(session, row, tally).apply(batch)
            row.sync_cursor, row.last_sync_at = batch.cursor, self.clock.now()
        report.added += tally.added
        report.updated += tally.updated
        report.removed += tally.removed
        report.skipped.extend(tally.skipped)

    def _connection(self, connection_id: int) -> Connection:
        with self.db.transaction() as session:
            connection = session.get(Connection, connection_id)
            if connection is None:
                raise NotFound(f"No connection #{connection_id}. See `aurelius connections`.")
            return connection

    def _failed(self, connection_id: int, exc: Exception) -> str:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        log.warning("sync of connection %s stopped: %s", connection_id, message)
        with self.db.transaction() as session:
            connection = session.get(Connection, connection_id)
            if connection is not None:
                connection.last_error = message
                if isinstance(exc, AuthExpired) and connection.status == "active":
                    connection.status = "needs_reauth"
        return message

    def _succeeded(self, connection_id: int) -> None:
        with self.db.transaction() as session:
            connection = session.get(Connection, connection_id)
            if connection is not None:
                connection.last_sync_at, connection.last_error = self.clock.now(), None
                connection.status = "active"


def _refresh_calendars(
    session: Session, connection: Connection, remote: list[RemoteCalendar]
) -> tuple[list[LinkedCalendar], int]:
    """Upsert the connection's calendars by remote id; drop those gone at the provider (and
    their events). Returns the calendars and the number of events dropped with them."""
    stored = {
        row.remote_id: row
        for row in session.scalars(
            select(LinkedCalendar).where(LinkedCalendar.connection_id == connection.id)
        )
    }
    kept = []
    for calendar in remote:
        row = stored.pop(calendar.remote_id, None)
        if row is None:
            row = LinkedCalendar(
                user_id=connection.user_id,
                connection_id=connection.id,
                remote_id=calendar.remote_id,
            )
            session.add(row)
        row.name, row.colour, row.timezone = calendar.name[:500], calendar.colour, calendar.timezone
        row.writable, row.primary = calendar.writable, calendar.primary
        kept.append(row)
    removed = sum(_drop_calendar(session, row) for row in stored.values())
    session.flush()
    return kept, removed


def _drop_calendar(session: Session, calendar: LinkedCalendar) -> int:
    count = session.scalar(select(func.count(Event.id)).where(Event.calendar_id == calendar.id))
    session.execute(delete(CalendarWrite).where(CalendarWrite.calendar_id == calendar.id))
    session.execute(delete(Event).where(Event.calendar_id == calendar.id))
    session.delete(calendar)
    return int(count or 0)
