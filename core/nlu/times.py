"""Calendar arithmetic used by the parser and the CLI options.

Wall times are localised with `core.timeutil.localize` (re-exported here), the one DST rule
of Aurelius: a time in a spring-forward gap becomes the first valid instant after the gap,
a time in a fall-back overlap its first (earlier) occurrence.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from core.timeutil import localize

__all__ = ["localize"]  # re-exported: one DST rule for the parser and the CLI


@lru_cache(maxsize=64)
def zone(tz: str) -> ZoneInfo:
    """The ZoneInfo for an IANA name (raises ZoneInfoNotFoundError/ValueError if unknown)."""
    return ZoneInfo(tz)


def aware_now(now: datetime, tz: str) -> datetime:
    """`now` as an aware datetime in `tz` (a naive value is wall time in `tz`)."""
    if now.tzinfo is None:
        return localize(now, tz)
    return now.astimezone(zone(tz))


def at(day: date, hour: int, minute: int, tz: str) -> datetime:
    """Wall time `hour:minute` on `day` in `tz`."""
    return localize(datetime.combine(day, time(hour % 24, minute)), tz)


def midnight(day: date, tz: str) -> datetime:
    return at(day, 0, 0, tz)


def elapsed(now: datetime, delta: timedelta, tz: str) -> datetime:
    """`now` plus real elapsed time (UTC arithmetic), shown in `tz`."""
    return (now.astimezone(UTC) + delta).astimezone(zone(tz))


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def next_weekday(today: date, weekday: int) -> date:
    """The next `weekday` strictly after today."""
    ahead = (weekday - today.weekday() - 1) % 7 + 1
    return today + timedelta(days=ahead)


def weekday_next_week(today: date, weekday: int) -> date:
    """`weekday` in the Monday-start week after this one ("next friday")."""
    return monday(today) + timedelta(days=7 + weekday)


def add_months(day: date, months: int) -> date:
    """Same day of month `months` later, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, month_length(year, month + 1)))


def month_length(year: int, month: int) -> int:
    following = date(year + month // 12, month % 12 + 1, 1)
    return (following - timedelta(days=1)).day


def month_end(day: date) -> date:
    return date(day.year, day.month, month_length(day.year, day.month))


def first_of_month(day: date) -> date:
    return date(day.year, day.month, 1)


def next_monthday(today: date, dom: int) -> date | None:
    """The next day-of-month `dom` that has not passed (today counts)."""
    year, month = today.year, today.month
    for _ in range(24):
        if dom <= month_length(year, month) and date(year, month, dom) >= today:
            return date(year, month, dom)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return None


def next_date(today: date, month: int, dom: int) -> date | None:
    """`month`/`dom` this year, or next year if it has passed (Feb 29 searches ahead)."""
    for year in range(today.year, today.year + 9):
        if dom <= month_length(year, month) and date(year, month, dom) >= today:
            return date(year, month, dom)
    return None


def nth_weekday(year: int, month: int, nth: int, weekday: int) -> date | None:
    """The `nth` (1..5, or -1 for last) `weekday` of a month, or None if there is none."""
    if nth < 0:
        last = date(year, month, month_length(year, month))
        return last - timedelta(days=(last.weekday() - weekday) % 7)
    first = date(year, month, 1)
    day = first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    return day if day.month == month else None


def easter(year: int) -> date:
    """Western (Gregorian) Easter Sunday: the anonymous Gregorian computus."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)
