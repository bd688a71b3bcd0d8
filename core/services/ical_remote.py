"""One iCalendar object (a CalDAV resource: a series with its overrides, RFC 4791 §4.1) as a
`RemoteEvent` and back, through the same reader and exporter as .ics files."""

from __future__ import annotations

from core.models import Event
from core.ports import RemoteEvent
from core.services import ical
from core.services.ical_export import export_calendar
from core.services.ical_read import read_orphan, read_series
from core.services.remote_events import Malformed, fill_event, to_remote


def read_resource(data: bytes, href: str, etag: str | None, floating: str) -> RemoteEvent | None:
    """The event a resource holds (None when it holds no VEVENT, e.g. a task); `Malformed`
    when it cannot be read."""
    try:
        groups = ical._by_uid(ical._parse(data))
        if not groups:
            return None
        uid, components = next(iter(groups.items()))
        if any("recurrence-id" not in c for c in components):
            series = read_series(uid, components, floating)
        else:
            series = read_orphan(uid, components[0], floating)
    except ical.BROKEN as exc:
        raise Malformed(str(exc).splitlines()[0] if str(exc) else "unreadable") from None
    series.event.remote_id, series.event.etag = href, etag
    return to_remote(series.event, series.changes)


def write_resource(event: RemoteEvent) -> bytes:
    """The iCalendar text of `event` (its series, EXDATEs and overrides)."""
    stored = Event(id=0, user_id=0)
    changes = fill_event(stored, event)
    data, failed = export_calendar([stored], {0: changes})
    if failed:
        raise Malformed(failed[0][1])
    return data
