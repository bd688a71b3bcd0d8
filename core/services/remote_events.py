"""Translating between a provider's `RemoteEvent` and Aurelius's own `Event` + changes.

Pulled events are checked as strictly as an imported file (ical_read): an aware start and
end, years in range, a sane length, an IANA zone, a recurrence that `core.recurrence`
accepts. Anything else raises `Malformed`, and the sync skips that event.
"""

from __future__ import annotations

from datetime import date, datetime

from core import recurrence
from core.errors import Invalid
from core.models import Event, EventException
from core.ports import RemoteEvent, RemoteOverride
from core.services import occurrences
from core.services.ical_read import LONGEST, YEARS
from core.services.ical_zones import is_zone
from core.timeutil import zone

TITLE_MAX = 500
# The columns a pull writes: everything the provider owns about an event.
MIRRORED = (
    "uid",
    "remote_id",
    "etag",
    "title",
    "start_at",
    "end_at",
    "timezone",
    "all_day",
    "location",
    "notes",
    "attendees",
    "recurrence",
    "rdates",
)


class Malformed(ValueError):
    """A provider's event that cannot be stored; the message is the report's reason."""


def fill_event(event: Event, remote: RemoteEvent) -> list[EventException]:
    """Write `remote` onto `event` (new or stored); return the occurrence changes it carries."""
    _check_times(remote.start, remote.end, "start/end")
    if not is_zone(remote.timezone):
        raise Malformed(f"unknown time zone {remote.timezone[:64]!r}")
    event.uid, event.remote_id, event.etag = remote.ical_uid[:255], remote.remote_id, remote.etag
    event.title = " ".join(remote.title.split())[:TITLE_MAX] or "(untitled)"
    event.start_at, event.end_at, event.timezone = remote.start, remote.end, remote.timezone
    event.all_day = remote.all_day
    if event.all_day and event.end_at <= event.start_at:
        event.end_at = occurrences.midnight_after(event, event.start_at, 1)
    event.location = (remote.location or "")[:TITLE_MAX] or None
    event.notes, event.attendees = remote.notes or "", list(remote.attendees)
    event.recurrence = _recurrence(remote, event)
    event.rdates = [_period(start, end) for start, end in remote.rdates]
    if event.rdates and event.recurrence is None:
        event.recurrence = ""  # RDATEs alone still make a series
    return [override_row(o) for o in remote.overrides] if event.recurrence is not None else []


def override_row(override: RemoteOverride) -> EventException:
    """The stored change of one occurrence, as the provider holds it."""
    _check_times(override.occurrence_start, override.occurrence_start, "original start")
    if not override.cancelled and override.start is not None:
        _check_times(override.start, override.end or override.start, "moved start/end")
    return EventException(
        occurrence_start=override.occurrence_start,
        cancelled=override.cancelled,
        new_start=None if override.cancelled else override.start,
        new_end=None if override.cancelled else override.end,
        title=override.title,
        location=override.location,
        notes=override.notes,
        all_day=override.all_day,
        this_and_future=False,
    )


def to_remote(event: Event, changes: list[EventException]) -> RemoteEvent:
    """What to send to the provider for a local event (its UID chosen by Aurelius)."""
    return RemoteEvent(
        remote_id=event.remote_id or "",
        ical_uid=event.uid,
        title=event.title,
        start=event.start_at,
        end=event.end_at,
        timezone=event.timezone,
        all_day=event.all_day,
        location=event.location,
        notes=event.notes or "",
        attendees=tuple(event.attendees or ()),
        recurrence=event.recurrence or None,
        rdates=tuple(_rdate(pair) for pair in event.rdates or []),
        overrides=tuple(_remote_override(change) for change in changes),
        etag=event.etag,
    )


def _remote_override(change: EventException) -> RemoteOverride:
    return RemoteOverride(
        occurrence_start=change.occurrence_start,
        cancelled=change.cancelled,
        start=change.new_start,
        end=change.new_end,
        title=change.title,
        location=change.location,
        notes=change.notes,
        all_day=change.all_day,
    )


def _recurrence(remote: RemoteEvent, event: Event) -> str | None:
    if not remote.recurrence:
        return None
    local = event.start_at.astimezone(zone(event.timezone))
    start: date | datetime = local.date() if event.all_day else local
    try:
        return recurrence.validate(remote.recurrence, "event", start)
    except Invalid as exc:
        raise Malformed(str(exc)) from None


def _check_times(start: datetime, end: datetime, what: str) -> None:
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        raise Malformed(f"{what} missing")
    if start.tzinfo is None or end.tzinfo is None:
        raise Malformed(f"{what} without a zone")
    if start.year not in YEARS or end.year not in YEARS:
        raise Malformed(f"{what} year out of range")
    if end < start:
        raise Malformed("it ends before it starts")
    if end - start > LONGEST:
        raise Malformed("it lasts more than ten years")


def _period(start: datetime, end: datetime | None) -> list[str | None]:
    _check_times(start, end or start, "RDATE")
    return [start.isoformat(), end.isoformat() if end else None]


def _rdate(pair: list[str | None]) -> tuple[datetime, datetime | None]:
    first, last = pair
    return datetime.fromisoformat(str(first)), datetime.fromisoformat(last) if last else None
