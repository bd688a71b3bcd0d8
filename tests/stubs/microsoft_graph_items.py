"""How the Graph stand-in stores events and renders them as Graph JSON: its own expansion
of patternedRecurrence (independent of the adapter's RRULE mapping) and its own small
Windows zone table, so a mapping mistake in the adapter cannot hide in both."""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

Json = dict[str, Any]
# The stand-in's own small Windows → IANA table (independent of the adapter's).
ZONES = {"W. Europe Standard Time": "Europe/Berlin", "Pacific Standard Time": "America/Los_Angeles",
         "Eastern Standard Time": "America/New_York", "GMT Standard Time": "Europe/London",
         "Tokyo Standard Time": "Asia/Tokyo", "UTC": "UTC"}  # fmt: skip
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
INDEX = {"first": 0, "second": 1, "third": 2, "fourth": 3, "last": -1}


def tz(name: str) -> ZoneInfo:
    return ZoneInfo(ZONES.get(name, name))


@dataclass
class Stored:
    id: str
    calendar_id: str
    subject: str
    start: datetime  # aware; an all-day event's midnight in `zone`
    end: datetime
    zone: str  # as written: Windows or IANA
    all_day: bool = False
    location: str = ""
    notes: str = ""
    attendees: list[str] = field(default_factory=list)
    recurrence: Json | None = None
    ical_uid: str = ""
    version: int = 1
    changes: dict[datetime, Json] = field(default_factory=dict)  # original start → change


def occurrences(stored: Stored, high: datetime) -> list[datetime]:
    """The series' original starts (UTC) up to `high`, walked day by day from its start."""
    pattern, span = stored.recurrence["pattern"], stored.recurrence["range"]  # type: ignore[index]
    zone = tz(stored.zone)
    local = stored.start.astimezone(zone)
    first = date.fromisoformat(span.get("startDate") or local.date().isoformat())
    last = date.fromisoformat(span["endDate"]) if span["type"] == "endDate" else date.max
    count = span.get("numberOfOccurrences") if span["type"] == "numbered" else None
    found: list[datetime] = []
    day = first
    while day <= last and (count is None or len(found) < count):
        moment = datetime.combine(day, local.time(), zone).astimezone(UTC)
        if moment >= high:
            break
        if matches(pattern, first, day):
            found.append(moment)
        day += timedelta(days=1)
    return found


def matches(pattern: Json, first: date, day: date) -> bool:
    kind, every = pattern["type"], pattern.get("interval", 1)
    months = (day.year - first.year) * 12 + day.month - first.month
    weekday = DAYS[day.weekday()] in list(pattern.get("daysOfWeek", []))
    if kind == "daily":
        return (day - first).days % every == 0
    if kind == "weekly":
        week_start = DAYS.index(pattern.get("firstDayOfWeek", "sunday"))
        anchor = first - timedelta(days=(first.weekday() - week_start) % 7)
        return weekday and ((day - anchor).days // 7) % every == 0
    if kind.endswith("Yearly") and (
        day.month != pattern["month"] or (day.year - first.year) % every
    ):
        return False
    if kind.endswith("Monthly") and months % every:
        return False
    if kind.startswith("absolute"):
        return day.day == pattern["dayOfMonth"]
    index = INDEX[pattern.get("index", "first")]
    if index < 0:
        return weekday and (day + timedelta(days=7)).month != day.month
    return weekday and (day.day - 1) // 7 == index


def item(stored: Stored, kind: str, original: datetime | None = None, prefer: str = "") -> Json:
    """The Graph JSON of a single, a master or one occurrence."""
    change = stored.changes.get(original, {}) if original else {}
    start = change.get("start", original or stored.start)
    end = change.get("end", start + (stored.end - stored.start))
    body: Json = {
        "@odata.type": "#microsoft.graph.event",
        "id": stored.id if original is None else f"{stored.id}_{original:%Y%m%dT%H%M%SZ}",
        "iCalUId": stored.ical_uid if original is None else f"{stored.ical_uid}{original:%Y%m%d}",
        "subject": change.get("subject", stored.subject),
        "body": {"contentType": "text", "content": change.get("notes", stored.notes)},
        "start": _when(start, stored, prefer), "end": _when(end, stored, prefer),
        "originalStartTimeZone": stored.zone, "originalEndTimeZone": stored.zone,
        "isAllDay": stored.all_day, "isCancelled": False, "type": kind,
        "location": {"displayName": change.get("location", stored.location)},
        "attendees": [{"type": "required", "emailAddress": {"address": a, "name": a}}
                      for a in stored.attendees],
        "recurrence": stored.recurrence if kind == "seriesMaster" else None,
        "seriesMasterId": stored.id if original else None,
        "originalStart": f"{original:%Y-%m-%dT%H:%M:%SZ}" if original else None,
    }  # fmt: skip
    seed = json.dumps(body, sort_keys=True) + (repr(stored.changes) if not original else "")
    key = hashlib.sha1(seed.encode()).hexdigest()[:16]
    return {**body, "changeKey": key, "@odata.etag": f'W/"{key}"'}


def _when(moment: datetime, stored: Stored, prefer: str) -> Json:
    if stored.all_day:  # a floating date (its day in the event's zone), labelled UTC
        day = moment.astimezone(tz(stored.zone)).date()
        return {"dateTime": f"{day:%Y-%m-%d}T00:00:00.0000000", "timeZone": "UTC"}
    found = re.search(r'outlook\.timezone="([^"]+)"', prefer)
    name = found.group(1) if found else "UTC"
    return {
        "dateTime": f"{moment.astimezone(tz(name)):%Y-%m-%dT%H:%M:%S}.0000000",
        "timeZone": name,
    }
