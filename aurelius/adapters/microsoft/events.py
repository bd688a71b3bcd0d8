"""Graph event JSON ⇄ `RemoteEvent`.

How Outlook's view maps onto Aurelius's series model: calendarView lists singles
(`type: singleInstance`) and the expanded occurrences of series (`occurrence`, and
`exception` for a changed one), never the `seriesMaster`. A series becomes ONE
`RemoteEvent` built from its master (`GET /me/events/{seriesMasterId}`: its
patternedRecurrence becomes the RRULE) plus overrides read off the occurrences seen in the
sync window: an exception overrides what differs from the master, an occurrence that the
rule expects but Outlook no longer lists (deleted) or marks `isCancelled` is a cancelled
override. So `cal agenda` shows, inside the window, exactly the occurrences Outlook shows.

Times: `start`/`end` are `{dateTime, timeZone}` (UTC unless `Prefer: outlook.timezone`);
the wall-clock zone is `originalStartTimeZone`, a Windows or an IANA name (zones.py).
All-day events carry floating midnights: their dates count, in the event's zone.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from aurelius.adapters.microsoft.recurrence import BadRecurrence, from_rrule, to_rrule
from aurelius.adapters.microsoft.zones import to_iana, to_windows
from core import recurrence as rules
from core.ports import RemoteEvent, RemoteOverride
from core.timeutil import localize, zone

Json = dict[str, Any]


class Malformed(ValueError):
    """An event Aurelius cannot read; the message says why (the event is skipped)."""


def etag_of(item: Json) -> str | None:
    return item.get("@odata.etag") or item.get("changeKey")


def event_zone(item: Json) -> str:
    """The IANA zone the event's wall times belong to."""
    for name in (item.get("originalStartTimeZone"), (item.get("start") or {}).get("timeZone")):
        if isinstance(name, str) and name.strip() and name.strip() != "tzone://Microsoft/Custom":
            found = to_iana(name)
            if found is None:
                raise Malformed(f"unknown time zone {name[:64]!r}")
            return found
    raise Malformed("no time zone" if item.get("start") else "start missing")


def wall_time(value: Any, what: str) -> tuple[datetime, str]:
    """The naive wall time of a `dateTimeTimeZone` and the IANA zone it is written in."""
    if not isinstance(value, dict) or not value.get("dateTime"):
        raise Malformed(f"{what} missing")
    text = re.sub(r"(\.\d{6})\d+", r"\1", str(value["dateTime"]))  # Graph writes 7 digits
    try:
        naive = datetime.fromisoformat(text).replace(tzinfo=None)
    except ValueError:
        raise Malformed(f"{what} is not a date-time") from None
    name = to_iana(str(value.get("timeZone") or "UTC"))
    if name is None:
        raise Malformed(f"unknown time zone {str(value.get('timeZone'))[:64]!r}")
    return naive, name


def times(item: Json, tz: str) -> tuple[datetime, datetime, bool]:
    """Aware start and end; an all-day event starts at midnight of its date in `tz`."""
    (start, start_zone), (end, end_zone) = (wall_time(item.get(k), k) for k in ("start", "end"))
    if item.get("isAllDay"):
        first, last = start.date(), max(end.date(), start.date() + timedelta(days=1))
        return (
            localize(datetime.combine(first, datetime.min.time()), tz),
            localize(datetime.combine(last, datetime.min.time()), tz),
            True,
        )
    return localize(start, start_zone), localize(end, end_zone), False


def instant(text: Any) -> datetime:
    """A Graph DateTimeOffset (e.g. `originalStart`) as an aware UTC instant."""
    try:
        moment = datetime.fromisoformat(re.sub(r"(\.\d{6})\d+", r"\1", str(text)))
    except ValueError:
        raise Malformed("originalStart is not a date-time") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def single(item: Json) -> RemoteEvent:
    """A single event (or a series master without its overrides)."""
    tz = event_zone(item)
    start, end, all_day = times(item, tz)
    try:
        rule = to_rrule(item["recurrence"]) if item.get("recurrence") else None
    except BadRecurrence as exc:
        raise Malformed(str(exc)) from None
    return RemoteEvent(
        remote_id=str(item["id"]), ical_uid=str(item.get("iCalUId") or item["id"]),
        title=str(item.get("subject") or ""), start=start, end=end, timezone=tz,
        all_day=all_day, location=_location(item), notes=_notes(item),
        attendees=_attendees(item), recurrence=rule, etag=etag_of(item),
    )  # fmt: skip


Window = tuple[datetime, datetime]


def series(master: Json, instances: Iterable[Json], window: Window) -> RemoteEvent:
    """The series with the overrides its occurrences in `window` show."""
    event = single(master)
    if event.recurrence is None:
        raise Malformed("a seriesMaster without a recurrence")
    seen = {
        original(i.get("originalStart"), event): i for i in instances if i.get("originalStart")
    }
    overrides = [_override(event, at, item) for at, item in sorted(seen.items())]
    gone = [at for at in expected(event, window) if at not in seen]
    overrides += [RemoteOverride(occurrence_start=at, cancelled=True) for at in gone]
    kept = [o for o in overrides if o is not None]
    return replace(event, overrides=tuple(sorted(kept, key=lambda o: o.occurrence_start)))


def original(text: Any, series: RemoteEvent) -> datetime:
    """An occurrence's original start; for an all-day series, midnight of its date in the
    series' zone (Graph may write that date as midnight UTC or as the zone's midnight)."""
    moment = instant(text)
    if not series.all_day:
        return moment
    day = moment.date() if moment.time() == datetime.min.time() else None
    day = day or moment.astimezone(zone(series.timezone)).date()
    return localize(datetime.combine(day, datetime.min.time()), series.timezone).astimezone(UTC)


def expected(event: RemoteEvent, window: Window) -> list[datetime]:
    """The starts the series' rule gives inside the window (UTC instants)."""
    length = event.end - event.start
    found = rules.occurrences(
        event.recurrence or "", event.start, event.timezone, *window, length, event.all_day
    )
    return [moment.astimezone(UTC) for moment in found]


def _override(series: RemoteEvent, at: datetime, item: Json) -> RemoteOverride | None:
    if item.get("isCancelled"):
        return RemoteOverride(occurrence_start=at, cancelled=True)
    if item.get("type") != "exception":
        return None
    start, end, all_day = times(item, series.timezone)
    moved = start != at or end - start != series.end - series.start
    return RemoteOverride(
        occurrence_start=at,
        start=start if moved else None,
        end=end if moved else None,
        title=_changed(str(item.get("subject") or ""), series.title),
        location=_changed(_location(item), series.location),
        notes=_changed(_notes(item), series.notes),
        all_day=all_day if all_day != series.all_day else None,
    )


def _changed(value: Any, base: Any) -> Any:
    return value if value != base else None


def _location(item: Json) -> str | None:
    return (item.get("location") or {}).get("displayName") or None


def _notes(item: Json) -> str:
    body = item.get("body") or {}
    content = str(body.get("content") or "")
    if str(body.get("contentType", "text")).lower() == "html":
        content = html.unescape(re.sub(r"<[^>]+>", " ", content))
    return content.strip()


def _attendees(item: Json) -> tuple[str, ...]:
    found = ((a.get("emailAddress") or {}).get("address") for a in item.get("attendees") or [])
    return tuple(str(address) for address in found if address)


def to_graph(event: RemoteEvent) -> Json:
    """The Graph body for writing `event` (the occurrence changes go separately)."""
    body: Json = {
        "subject": event.title,
        "body": {"contentType": "text", "content": event.notes or ""},
        "start": date_time(event.start, event.timezone, event.all_day),
        "end": date_time(event.end, event.timezone, event.all_day),
        "isAllDay": event.all_day,
        "location": {"displayName": event.location or ""},
        "attendees": [
            {"emailAddress": {"address": address}, "type": "required"}
            for address in event.attendees
        ],
        "recurrence": None,
    }
    if event.recurrence:
        local = event.start.astimezone(zone(event.timezone)).replace(tzinfo=None)
        body["recurrence"] = from_rrule(event.recurrence, local, to_windows(event.timezone))
    return body


def date_time(moment: datetime, tz: str, all_day: bool = False) -> Json:
    """A `dateTimeTimeZone` in the event's own zone (Windows name when there is one)."""
    local = moment.astimezone(zone(tz)).replace(tzinfo=None)
    if all_day:
        local = datetime.combine(local.date(), datetime.min.time())
    return {"dateTime": local.isoformat(timespec="seconds"), "timeZone": to_windows(tz)}


def override_body(change: RemoteOverride, series: RemoteEvent) -> Json:
    """The PATCH of one occurrence for a (non-cancelled) override."""
    body: Json = {}
    if change.start is not None:
        body["start"] = date_time(change.start, series.timezone, bool(change.all_day))
        body["end"] = date_time(change.end or change.start, series.timezone, bool(change.all_day))
    if change.title is not None:
        body["subject"] = change.title
    if change.location is not None:
        body["location"] = {"displayName": change.location}
    if change.notes is not None:
        body["body"] = {"contentType": "text", "content": change.notes}
    return body
