"""Which IANA zone an iCalendar time belongs to.

icalendar already maps Microsoft names ("W. Europe Standard Time") to IANA zones. A custom
VTIMEZONE ("/Europe/CUSTOM") becomes the IANA zone that keeps the same offsets over the
years around the event, so Aurelius still stores an instant plus an IANA zone. Floating
times belong to the calendar's X-WR-TIMEZONE, else to the user's zone.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import cache
from typing import Any

from core.timeutil import localize, zone

_SAMPLES = 104  # two samples a month for four years: enough to tell DST rules apart


def calendar_zone(calendar: Any, user_zone: str) -> str:
    """The zone of floating times: X-WR-TIMEZONE when it names a zone, else the user's."""
    name = str(calendar.get("x-wr-timezone") or "").strip()
    return name if name and is_zone(name) else user_zone


def is_zone(name: str) -> bool:
    try:
        zone(name)
    except (ValueError, KeyError, OSError):
        return False
    return True


def zone_of(value: date | datetime, floating: str) -> str:
    """The IANA zone whose wall clock `value` is written in."""
    if not isinstance(value, datetime) or value.tzinfo is None:
        return floating
    key = getattr(value.tzinfo, "key", None)
    if isinstance(key, str) and is_zone(key):
        return key
    return _equivalent(value.tzinfo, value.year)


def instant(value: date | datetime, floating: str) -> datetime:
    """A DATE is local midnight and a floating time local wall time in `floating`."""
    if not isinstance(value, datetime):
        value = datetime.combine(value, datetime.min.time())
    if value.tzinfo is None:
        return localize(value, floating).astimezone(UTC)
    return value.astimezone(UTC)


def _equivalent(custom: tzinfo, year: int) -> str:
    return _match(_offsets(custom, year), year)


@cache
def _match(offsets: tuple[timedelta | None, ...], year: int) -> str:
    from zoneinfo import available_timezones

    for name in sorted(available_timezones()):
        if name.startswith(("Etc/", "SystemV/")):
            continue
        if _offsets(zone(name), year) == offsets:
            return name
    hours = offsets[0] or timedelta(0)
    return f"Etc/GMT{-int(hours.total_seconds() // 3600):+d}" if hours else "UTC"


def _offsets(tz: tzinfo, year: int) -> tuple[timedelta | None, ...]:
    first = datetime(max(year - 1, 1971), 1, 1, 12, tzinfo=UTC)
    return tuple(
        (first + timedelta(days=14 * step)).astimezone(tz).utcoffset() for step in range(_SAMPLES)
    )
