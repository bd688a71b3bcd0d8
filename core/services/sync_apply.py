"""Applying one `SyncBatch` to the mirror of one linked calendar, inside one transaction.

Everything is keyed by the provider's id (and the iCalUID, for an event Aurelius created
whose id it has not stored yet), never by position, so applying a batch twice changes
nothing the second time. An event with a local change waiting in the outbox is left alone:
the push reconciles it (on a conflict the provider's version wins).

An instance (`RemoteInstance`) whose series is not mirrored is kept as a single event of its
own, with the UID `{series id}/{original start}`; when the series arrives, those stand-ins
give way to it.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core.models import CalendarWrite, Event, EventException, LinkedCalendar
from core.ports import RemoteEvent, RemoteInstance, SyncBatch
from core.services.remote_events import MIRRORED, Malformed, fill_event, override_row

log = logging.getLogger(__name__)
_STAND_IN = re.compile(r"^(?P<series>.+)/\d{8}T\d{6}Z$")


@dataclass
class Tally:
    added: int = 0
    updated: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)


class Mirror:
    def __init__(self, session: Session, calendar: LinkedCalendar, tally: Tally) -> None:
        self.session, self.calendar, self.tally = session, calendar, tally
        events = session.scalars(select(Event).where(Event.calendar_id == calendar.id)).all()
        self.by_remote = {e.remote_id: e for e in events if e.remote_id}
        self.by_uid = {e.uid: e for e in events}
        self.pending = set(
            session.scalars(
                select(CalendarWrite.event_id).where(CalendarWrite.calendar_id == calendar.id)
            )
        )
        self.stand_ins: dict[str, list[Event]] = {}
        for event in events:
            match = _STAND_IN.match(event.uid)
            if match and event.recurrence is None:
                self.stand_ins.setdefault(match["series"], []).append(event)
        self.listed: set[str] = set()
        self.gone: set[int] = set()
        self.fresh: list[tuple[Event, list[EventException]]] = []

    def apply(self, batch: SyncBatch) -> None:
        for remote in batch.events:
            self._event(remote)
        self._insert_fresh()
        for instance in batch.instances:
            self._instance(instance)
        for remote_id in batch.deleted:
            self._delete(self.by_remote.get(remote_id))
        if batch.complete:
            for remote_id, event in list(self.by_remote.items()):
                if remote_id not in self.listed:
                    self._delete(event)

    def _event(self, remote: RemoteEvent) -> None:
        self.listed.add(remote.remote_id)
        stored = self.by_remote.get(remote.remote_id) or self.by_uid.get(remote.ical_uid)
        if stored is not None and (stored.id in self.pending or _same(stored, remote)):
            return
        holder = self.by_uid.get(remote.ical_uid)
        if holder is not None and holder is not stored:
            return self._skip(remote.title, remote.remote_id, "its UID is used by another event")
        event = Event(user_id=self.calendar.user_id, calendar_id=self.calendar.id)
        try:
            changes = fill_event(event, remote)
        except Malformed as exc:
            return self._skip(remote.title, remote.remote_id, str(exc))
        for series_stand_in in self.stand_ins.pop(remote.remote_id, []):
            self._delete(series_stand_in, count=False)
        if stored is None:
            self.fresh.append((event, changes))
            self._index(event)
            self.tally.added += 1
            return
        self._replace(stored, event, changes)

    def _replace(self, stored: Event, event: Event, changes: list[EventException]) -> None:
        self.by_remote.pop(stored.remote_id or "", None)
        for name in MIRRORED:
            setattr(stored, name, getattr(event, name))
        self._index(stored)
        self.session.execute(delete(EventException).where(EventException.event_id == stored.id))
        self.session.add_all(_owned_by(stored, changes))
        self.tally.updated += 1

    def _insert_fresh(self) -> None:
        if not self.fresh:
            return
        self.session.add_all(event for event, _ in self.fresh)
        self.session.flush()
        for event, changes in self.fresh:
            self.session.add_all(_owned_by(event, changes))
        self.fresh = []

    def _instance(self, instance: RemoteInstance) -> None:
        if instance.remote_id:
            self.listed.add(instance.remote_id)
        series = self.by_remote.get(instance.series_remote_id)
        if series is None or series.recurrence is None:
            return self._stand_in(instance)
        if series.id in self.pending:
            return
        try:
            row = override_row(instance.override)
        except Malformed as exc:
            return self._skip(series.title, instance.remote_id, str(exc))
        stored = self.session.scalars(
            select(EventException).where(
                EventException.event_id == series.id,
                EventException.occurrence_start == row.occurrence_start,
            )
        ).first()
        if stored is not None:
            self.session.delete(stored)
            self.session.flush()
        self.session.add_all(_owned_by(series, [row]))
        self.tally.updated += 1

    def _stand_in(self, instance: RemoteInstance) -> None:
        """An occurrence of a series Aurelius does not hold: kept on its own (if it happens)."""
        override = instance.override
        uid = f"{instance.series_remote_id}/{override.occurrence_start:%Y%m%dT%H%M%SZ}"
        own_id = instance.remote_id or uid
        stored = self.by_remote.get(own_id)
        if override.cancelled or override.start is None or override.end is None:
            return self._delete(stored)
        single = RemoteEvent(
            remote_id=own_id,
            ical_uid=uid,
            title=override.title or "(untitled)",
            start=override.start,
            end=override.end,
            all_day=bool(override.all_day),
            location=override.location,
            notes=override.notes or "",
            etag=instance.etag,
        )
        self._event(single)
        self._insert_fresh()

    def _delete(self, event: Event | None, count: bool = True) -> None:
        if event is None or event.id is None or event.id in self.gone:
            return
        self.gone.add(event.id)
        self.session.execute(delete(CalendarWrite).where(CalendarWrite.event_id == event.id))
        self.session.delete(event)
        self.by_remote.pop(event.remote_id or "", None)
        self.by_uid.pop(event.uid, None)
        self.tally.removed += count

    def _index(self, event: Event) -> None:
        self.by_uid[event.uid] = event
        if event.remote_id:
            self.by_remote[event.remote_id] = event

    def _skip(self, title: str, remote_id: str, reason: str) -> None:
        line = f"{self.calendar.name}: skipped {title[:80]!r} ({remote_id[:120]}): {reason}"
        log.warning("sync %s", line)
        self.tally.skipped.append(line)


def _same(stored: Event, remote: RemoteEvent) -> bool:
    """The provider's version is the one already stored (nothing to write)."""
    return bool(remote.etag) and stored.etag == remote.etag and stored.remote_id == remote.remote_id


def _owned_by(event: Event, changes: list[EventException]) -> list[EventException]:
    for change in changes:
        change.event_id = event.id
    return changes
