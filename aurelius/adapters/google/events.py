"""Google Calendar v3 resources (`Event`, `CalendarListEntry`) ⇄ the values of core.ports.

Times: a timed `start`/`end` is `{"dateTime": RFC 3339, "timeZone": IANA}` (the zone is
optional for single events: the calendar's zone applies); an all-day one is
`{"date": "YYYY-MM-DD"}` with an exclusive end date. Instances of a series (moved, changed
or cancelled occurrences) carry `recurringEventId` and `originalStartTime`.

Aurelius creates events with a client-chosen `id` (Google accepts either `id` or `iCalUID`
on insert, not both), and keeps the UID it chose in `extendedProperties.private`, so a pull
gives back the UID Aurelius knows.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from aurelius.adapters.google import recurrence
from aurelius.adapters.google.recurrence import Malformed, is_zone
from core.ports import RemoteCalendar, RemoteEvent, RemoteOverride
from core.timeutil import localize, zone

UID_KEY = "aureliusUid"
WRITABLE = frozenset({"owner", "writer"})
Item = dict[str, Any]


def calendar_from(entry: Item) -> RemoteCalendar:
    return RemoteCalendar(
        remote_id=str(entry["id"]),
        name=entry.get("summaryOverride") or entry.get("summary") or str(entry["id"]),
        colour=entry.get("backgroundColor"),
        timezone=entry.get("timeZone"),
        writable=entry.get("accessRole") in WRITABLE,
        primary=bool(entry.get("primary")),
    )


def event_from(item: Item, calendar_zone: str) -> RemoteEvent:
    """A single event or a series master (EXDATEs become cancelled overrides)."""
    start, timezone, all_day = when(item.get("start"), calendar_zone, "start")
    end = when(item.get("end") or item.get("start"), timezone, "end")[0]
    rules = recurrence.parse(list(item.get("recurrence") or []), timezone)
    return RemoteEvent(
        remote_id=str(item["id"]),
        ical_uid=uid_of(item),
        title=item.get("summary") or "",
        start=start,
        end=end,
        timezone=timezone,
        all_day=all_day,
        location=item.get("location"),
        notes=item.get("description") or "",
        attendees=tuple(a["email"] for a in item.get("attendees") or [] if a.get("email")),
        recurrence=rules.rrule,
        rdates=tuple(rules.rdates),
        overrides=tuple(RemoteOverride(moment, cancelled=True) for moment in rules.exdates),
        etag=item.get("etag"),
    )


def override_from(item: Item, series_zone: str) -> RemoteOverride:
    """One instance of a series: cancelled, or moved/changed (its own times and text)."""
    original = when(item.get("originalStartTime"), series_zone, "original start")[0]
    if item.get("status") == "cancelled":
        return RemoteOverride(original, cancelled=True)
    start, timezone, all_day = when(item.get("start"), series_zone, "start")
    return RemoteOverride(
        occurrence_start=original,
        start=start,
        end=when(item.get("end") or item.get("start"), timezone, "end")[0],
        title=item.get("summary"),
        location=item.get("location"),
        notes=item.get("description"),
        all_day=all_day,
    )


def when(value: Any, default_zone: str, what: str) -> tuple[datetime, str, bool]:
    """(instant, zone name, all-day) of an EventDateTime."""
    if not isinstance(value, dict) or not (value.get("date") or value.get("dateTime")):
        raise Malformed(f"missing {what}")
    name = str(value.get("timeZone") or default_zone)
    if not is_zone(name):
        raise Malformed(f"unknown time zone {name[:64]!r}")
    try:
        if value.get("date"):
            day = date.fromisoformat(str(value["date"]))
            return localize(datetime.combine(day, time()), name), name, True
        moment = datetime.fromisoformat(str(value["dateTime"]))
    except ValueError:
        raise Malformed(f"unreadable {what}") from None
    if moment.tzinfo is None:
        moment = localize(moment, name)
    return moment.astimezone(zone(name)), name, False


def uid_of(item: Item) -> str:
    private = (item.get("extendedProperties") or {}).get("private") or {}
    return str(private.get(UID_KEY) or item.get("iCalUID") or item["id"])


def body_of(event: RemoteEvent) -> Item:
    """The Event resource to insert or update for `event` (cancelled overrides as EXDATE)."""
    body: Item = {
        "summary": event.title,
        "description": event.notes,
        "location": event.location or "",
        "start": time_of(event.start, event.timezone, event.all_day),
        "end": time_of(_end(event.start, event.end, event.all_day, event.timezone),
                       event.timezone, event.all_day),
        "attendees": [{"email": address} for address in event.attendees],
        "extendedProperties": {"private": {UID_KEY: event.ical_uid}},
        "status": "confirmed",
    }
    # Always sent, so that a patch that ends a series clears it.
    cancelled = [o.occurrence_start for o in event.overrides if o.cancelled]
    body["recurrence"] = recurrence.lines(
        event.recurrence, cancelled, [start for start, _ in event.rdates],
        event.timezone, event.all_day) if event.recurrence or event.rdates else []
    return body


def override_body(override: RemoteOverride, event: RemoteEvent) -> Item:
    """A patch for one instance: only what differs from the series (None = as the series)."""
    all_day = event.all_day if override.all_day is None else override.all_day
    body: Item = {"status": "confirmed"}
    for key, value in (("summary", override.title), ("location", override.location),
                       ("description", override.notes)):
        if value is not None:
            body[key] = value
    if override.start is not None:
        length = event.end - event.start
        end = _end(override.start, override.end or override.start + length, all_day,
                   event.timezone)
        body["start"] = time_of(override.start, event.timezone, all_day)
        body["end"] = time_of(end, event.timezone, all_day)
    return body


def time_of(moment: datetime, timezone: str, all_day: bool) -> Item:
    local = moment.astimezone(zone(timezone))
    if all_day:
        return {"date": local.date().isoformat()}
    return {"dateTime": local.isoformat(), "timeZone": timezone}


def _end(start: datetime, end: datetime, all_day: bool, timezone: str) -> datetime:
    """All-day ends are exclusive dates: at least the day after the start."""
    if not all_day:
        return end
    first = start.astimezone(zone(timezone)).date()
    if end.astimezone(zone(timezone)).date() > first:
        return end
    return localize(datetime.combine(first + timedelta(days=1), time()), timezone)
