"""Fakes at core ports (not mocks): they behave like the real thing and keep a transcript."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace

from core.errors import AuthExpired, CursorExpired, EtagConflict, ProviderUnavailable
from core.ports import Address, Note, RemoteCalendar, RemoteEvent, RemoteInstance, SyncBatch


@dataclass
class TranscriptNotifier:
    """Records every note it is asked to send; `failures` makes the next N sends raise."""

    sent: list[tuple[Address, Note]] = field(default_factory=list)
    failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def send(self, address: Address, note: Note) -> None:
        with self.lock:
            if self.failures:
                self.failures -= 1
                raise ConnectionError("channel unavailable")
            self.sent.append((address, note))

    @property
    def titles(self) -> list[str]:
        return [note.title for _, note in self.sent]


@dataclass
class FakeCalendarSource:
    """An in-memory account at a provider, behaving as the `CalendarSource` contract says.

    Cursors are version numbers; `expire_cursors()` makes every older one fail like a
    provider's 410. `down` and `grant_gone` make each call fail like an outage or a revoked
    grant. `calls` counts calls per method; `instances` are sent apart from their series.
    """

    calendars_: dict[str, RemoteCalendar] = field(default_factory=dict)
    events: dict[str, dict[str, RemoteEvent]] = field(default_factory=dict)
    instances: dict[str, dict[str, RemoteInstance]] = field(default_factory=dict)
    log: list[tuple[int, str, str]] = field(default_factory=list)  # version, calendar, id
    version: int = 0
    oldest_cursor: int = 0
    down: bool = False
    grant_gone: bool = False
    calls: dict[str, int] = field(default_factory=dict)

    def add_calendar(self, remote_id: str, name: str, writable: bool = True) -> None:
        self.calendars_[remote_id] = RemoteCalendar(remote_id, name, writable=writable)
        self.events.setdefault(remote_id, {})
        self.instances.setdefault(remote_id, {})

    def put(self, calendar: str, event: RemoteEvent) -> RemoteEvent:
        """Change the provider's copy (as someone else would): a new etag each time."""
        self.version += 1
        stored = replace(event, etag=f"etag-{self.version}")
        self.events[calendar][event.remote_id] = stored
        self.log.append((self.version, calendar, event.remote_id))
        return stored

    def put_instance(self, calendar: str, instance: RemoteInstance) -> None:
        self.version += 1
        self.instances[calendar][instance.remote_id] = instance
        self.log.append((self.version, calendar, instance.remote_id))

    def remove(self, calendar: str, remote_id: str) -> None:
        self.version += 1
        self.events[calendar].pop(remote_id, None)
        self.log.append((self.version, calendar, remote_id))

    def expire_cursors(self) -> None:
        self.oldest_cursor = self.version + 1

    def _enter(self, method: str) -> None:
        self.calls[method] = self.calls.get(method, 0) + 1
        if self.down:
            raise ProviderUnavailable("The provider is unreachable; try again later.")
        if self.grant_gone:
            raise AuthExpired("The grant was revoked; reconnect the account.")

    def calendars(self) -> list[RemoteCalendar]:
        self._enter("calendars")
        return list(self.calendars_.values())

    def changes(self, calendar_id: str, cursor: str | None) -> SyncBatch:
        self._enter("changes")
        if cursor is None:
            return SyncBatch(
                events=list(self.events[calendar_id].values()),
                instances=list(self.instances[calendar_id].values()),
                cursor=str(self.version),
                complete=True,
                requests=1,
            )
        if int(cursor) < self.oldest_cursor:
            raise CursorExpired("sync token expired")
        batch = SyncBatch(cursor=str(self.version), requests=1)
        changed = {rid for v, cal, rid in self.log if v > int(cursor) and cal == calendar_id}
        for remote_id in sorted(changed):
            if remote_id in self.events[calendar_id]:
                batch.events.append(self.events[calendar_id][remote_id])
            elif remote_id in self.instances[calendar_id]:
                batch.instances.append(self.instances[calendar_id][remote_id])
            else:
                batch.deleted.append(remote_id)
        return batch

    def create(self, calendar_id: str, event: RemoteEvent) -> RemoteEvent:
        self._enter("create")
        for stored in self.events[calendar_id].values():
            if stored.ical_uid == event.ical_uid:
                return stored
        return self.put(calendar_id, replace(event, remote_id=f"r-{event.ical_uid}"))

    def update(self, calendar_id: str, event: RemoteEvent) -> RemoteEvent:
        self._enter("update")
        stored = self.events[calendar_id].get(event.remote_id)
        if stored is None or stored.etag != event.etag:
            raise EtagConflict("The event changed at the provider.")
        return self.put(calendar_id, event)

    def delete(self, calendar_id: str, remote_id: str, etag: str | None) -> None:
        self._enter("delete")
        stored = self.events[calendar_id].get(remote_id)
        if stored is None:
            return
        if etag is not None and stored.etag != etag:
            raise EtagConflict("The event changed at the provider.")
        self.remove(calendar_id, remote_id)
