"""Graph's patternedRecurrence ⇄ RRULE (one line, as `Event.recurrence` holds it).

Graph patterns: daily, weekly (daysOfWeek, firstDayOfWeek), absoluteMonthly (dayOfMonth),
relativeMonthly (daysOfWeek + index first…fourth|last), absoluteYearly (month, dayOfMonth),
relativeYearly (month, daysOfWeek, index); ranges: endDate (inclusive, a date in
recurrenceTimeZone), numbered (numberOfOccurrences), noEnd. An RRULE outside that shape
(several lines, HOURLY, BYHOUR…) cannot live in Outlook and is refused on write.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from core.errors import Invalid

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
INDEX = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
FREQ = {
    "daily": "DAILY", "weekly": "WEEKLY", "absoluteMonthly": "MONTHLY",
    "relativeMonthly": "MONTHLY", "absoluteYearly": "YEARLY", "relativeYearly": "YEARLY",
}  # fmt: skip
MAX_INTERVAL = 99  # Outlook's own limit
MAX_COUNT = 999


class BadRecurrence(ValueError):
    """A patternedRecurrence Aurelius cannot read (the event is skipped, never guessed)."""


def to_rrule(recurrence: dict[str, Any]) -> str:
    """The RRULE of a Graph patternedRecurrence; BadRecurrence when it is absurd."""
    pattern, span = recurrence.get("pattern") or {}, recurrence.get("range") or {}
    kind = pattern.get("type")
    if kind not in FREQ:
        raise BadRecurrence(f"unknown recurrence pattern {str(kind)[:40]!r}")
    interval = pattern.get("interval", 1)
    if not isinstance(interval, int) or not 1 <= interval <= MAX_INTERVAL:
        raise BadRecurrence(f"recurrence interval {str(interval)[:12]} out of range")
    parts = [f"FREQ={FREQ[kind]}"] + ([f"INTERVAL={interval}"] if interval > 1 else [])
    return ";".join(parts + _pattern_parts(kind, pattern) + _range_parts(span))


def _pattern_parts(kind: str, pattern: dict[str, Any]) -> list[str]:
    parts = []
    if kind.endswith("Yearly"):
        parts.append(f"BYMONTH={_bounded(pattern.get('month'), 12, 'month')}")
    if kind.startswith("absolute") and kind != "daily":
        parts.append(f"BYMONTHDAY={_bounded(pattern.get('dayOfMonth'), 31, 'dayOfMonth')}")
    if kind in ("weekly", "relativeMonthly", "relativeYearly"):
        parts.append("BYDAY=" + ",".join(_day_codes(pattern.get("daysOfWeek"))))
    if kind.startswith("relative"):
        index = pattern.get("index", "first")
        if index not in INDEX:
            raise BadRecurrence(f"unknown week index {str(index)[:20]!r}")
        parts.append(f"BYSETPOS={INDEX[index]}")
    if kind == "weekly":
        first = pattern.get("firstDayOfWeek") or "sunday"
        parts.append("WKST=" + _day_codes([first])[0])
    return parts


def _range_parts(span: dict[str, Any]) -> list[str]:
    kind = span.get("type", "noEnd")
    if kind == "numbered":
        return [f"COUNT={_bounded(span.get('numberOfOccurrences'), MAX_COUNT, 'count')}"]
    if kind == "endDate":
        try:
            last = date.fromisoformat(str(span.get("endDate")))
        except ValueError:
            raise BadRecurrence("recurrence endDate is not a date") from None
        return [f"UNTIL={last:%Y%m%d}"]  # a date: the whole last day counts (RFC 5545)
    if kind != "noEnd":
        raise BadRecurrence(f"unknown recurrence range {str(kind)[:40]!r}")
    return []


def _bounded(value: Any, top: int, name: str) -> int:
    if not isinstance(value, int) or not 1 <= value <= top:
        raise BadRecurrence(f"recurrence {name} {str(value)[:12]} out of range")
    return value


def _day_codes(days: Any) -> list[str]:
    if not isinstance(days, list) or not days or any(day not in DAYS for day in days):
        raise BadRecurrence("recurrence daysOfWeek missing or unknown")
    return [CODES[DAYS.index(day)] for day in days]


def from_rrule(rule: str, local_start: datetime, zone_name: str) -> dict[str, Any]:
    """The patternedRecurrence for one RRULE starting at `local_start` (wall time in
    `zone_name`, a name Graph accepts); Invalid when Outlook cannot express it."""
    parts = _parts(rule)
    kind = _kind(parts)
    pattern: dict[str, Any] = {"type": kind, "interval": int(parts.get("INTERVAL", "1"))}
    pattern.update(_pattern_fields(kind, parts, local_start))
    span: dict[str, Any] = {"type": "noEnd", "startDate": local_start.date().isoformat(),
                            "recurrenceTimeZone": zone_name}  # fmt: skip
    if "COUNT" in parts:
        span.update(type="numbered", numberOfOccurrences=int(parts["COUNT"]))
    elif "UNTIL" in parts:
        until = parts["UNTIL"][:8]
        span.update(type="endDate", endDate=f"{until[:4]}-{until[4:6]}-{until[6:8]}")
    return {"pattern": pattern, "range": span}


def _parts(rule: str) -> dict[str, str]:
    lines = [line.strip() for line in rule.strip().splitlines() if line.strip()]
    if len(lines) != 1:
        raise Invalid("Outlook holds one repeat rule per event; this event has several.")
    parts = dict(piece.partition("=")[::2] for piece in lines[0].upper().split(";"))
    extra = set(parts) - {"FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY",
                          "BYMONTH", "BYSETPOS", "WKST"}  # fmt: skip
    if extra or parts.get("FREQ") not in ("DAILY", "WEEKLY", "MONTHLY", "YEARLY"):
        raise Invalid(f"Outlook cannot hold the repeat rule {lines[0]!r}.")
    return parts


def _kind(parts: dict[str, str]) -> str:
    freq = parts["FREQ"]
    if freq in ("DAILY", "WEEKLY"):
        return freq.lower()
    relative = "BYSETPOS" in parts or any(c[0] in "+-0123456789" for c in _byday(parts))
    return ("relative" if relative else "absolute") + freq.capitalize()


def _pattern_fields(kind: str, parts: dict[str, str], start: datetime) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    days = _byday(parts) or [CODES[start.weekday()]]
    if kind in ("weekly", "relativeMonthly", "relativeYearly"):
        fields["daysOfWeek"] = [DAYS[CODES.index(day[-2:])] for day in days]
    if kind == "weekly":
        fields["firstDayOfWeek"] = DAYS[CODES.index(parts.get("WKST", "MO"))]
    if kind.startswith("relative"):
        position = parts.get("BYSETPOS") or days[0][:-2].lstrip("+") or "1"
        fields["index"] = {v: k for k, v in INDEX.items()}.get(int(position), "first")
    if kind.startswith("absolute"):
        fields["dayOfMonth"] = int(parts.get("BYMONTHDAY", start.day))
    if kind.endswith("Yearly"):
        fields["month"] = int(parts.get("BYMONTH", start.month))
    return fields


def _byday(parts: dict[str, str]) -> list[str]:
    return [day for day in parts.get("BYDAY", "").split(",") if day]
