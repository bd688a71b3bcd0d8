"""Google's `recurrence` array (RFC 5545 lines: `RRULE:`, `EXDATE`, `RDATE`) and instance ids.

Google keeps a series' rules as text lines on the master event. Aurelius holds the RRULE
values (one per line, no prefix), EXDATEs as cancelled occurrences and RDATEs as
(start, end) pairs; this module translates both ways, resolving floating and `TZID=` wall
times in the event's zone and `VALUE=DATE` values as midnights (all-day series).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

from core.timeutil import localize, zone


class Malformed(ValueError):
    """A provider value that cannot be read; the message says which."""


@dataclass
class Rules:
    rrule: str | None = None
    exdates: list[datetime] = field(default_factory=list)
    rdates: list[tuple[datetime, datetime | None]] = field(default_factory=list)


def parse(lines: list[str], timezone: str) -> Rules:
    """The RRULE values, EXDATE instants and RDATE periods of a `recurrence` array."""
    rules, rrules = Rules(), []
    for line in lines:
        head, _, value = str(line).partition(":")
        name, *params = head.split(";")
        name = name.upper()
        if name == "RRULE":
            rrules.append(value.strip())
        elif name == "EXDATE":
            rules.exdates += [_instant(v, params, timezone) for v in value.split(",")]
        elif name == "RDATE":
            rules.rdates += [_period(v, params, timezone) for v in value.split(",")]
    rules.rrule = "\n".join(rrules) or None
    return rules


def lines(rrule: str | None, exdates: list[datetime], rdates: list[datetime],
          timezone: str, all_day: bool) -> list[str]:
    """The `recurrence` array for a series (EXDATE/RDATE in the event's own zone)."""
    out = [f"RRULE:{rule.strip()}" for rule in (rrule or "").splitlines() if rule.strip()]
    for name, values in (("EXDATE", exdates), ("RDATE", rdates)):
        if values:
            out.append(f"{name}{_params(timezone, all_day)}:" + ",".join(
                _wall(v, timezone, all_day) for v in values))
    return out


def instance_id(event_id: str, occurrence_start: datetime, all_day: bool, timezone: str) -> str:
    """Google's id of one occurrence: `{id}_{YYYYMMDDTHHMMSSZ}` (`_{YYYYMMDD}` all-day)."""
    if all_day:
        return f"{event_id}_{occurrence_start.astimezone(zone(timezone)):%Y%m%d}"
    return f"{event_id}_{occurrence_start.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def _params(timezone: str, all_day: bool) -> str:
    return ";VALUE=DATE" if all_day else f";TZID={timezone}"


def _wall(value: datetime, timezone: str, all_day: bool) -> str:
    local = value.astimezone(zone(timezone))
    return f"{local:%Y%m%d}" if all_day else f"{local:%Y%m%dT%H%M%S}"


def _period(value: str, params: list[str], timezone: str) -> tuple[datetime, datetime | None]:
    start, _, end = value.partition("/")
    last = _instant(end, params, timezone) if end and not end.startswith(("P", "+P")) else None
    return _instant(start, params, timezone), last


def _instant(value: str, params: list[str], timezone: str) -> datetime:
    """An RFC 5545 DATE or DATE-TIME value as an aware instant."""
    text = value.strip()
    tzid = next((p[5:] for p in params if p.upper().startswith("TZID=")), None)
    where = _zone_name(tzid, timezone)
    try:
        if len(text) == 8 and text.isdigit():
            return localize(datetime.combine(_date(text), time()), where)
        naive = datetime.strptime(text.rstrip("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        raise Malformed(f"unreadable date {text[:40]!r} in its recurrence") from None
    return naive.replace(tzinfo=UTC) if text.endswith("Z") else localize(naive, where)


def _zone_name(tzid: str | None, timezone: str) -> str:
    if tzid is None:
        return timezone
    name = tzid.strip('"')
    if not is_zone(name):
        raise Malformed(f"unknown time zone {name[:64]!r} in its recurrence")
    return name


def is_zone(name: str) -> bool:
    """True for an IANA zone name this machine knows."""
    try:
        zone(name)
    except (ValueError, KeyError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


def _date(text: str) -> date:
    return date(int(text[:4]), int(text[4:6]), int(text[6:]))
