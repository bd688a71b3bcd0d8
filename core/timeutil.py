"""Zone-correct time helpers shared by every service and front end.

Rule for wall times that do not exist or exist twice (DST):
- in a gap (spring forward), a wall time resolves to the first valid instant after the gap
  (02:30 on the night clocks jump from 02:00 to 03:00 becomes 03:00);
- in an overlap (fall back), it resolves to the first (earlier) of the two instants.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def is_gap(naive: datetime, tz: ZoneInfo) -> bool:
    """True when the wall time `naive` never happens in `tz` (it falls in a DST gap)."""
    aware = naive.replace(tzinfo=tz)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != naive


def localize(naive: datetime, tz_name: str) -> datetime:
    """The instant a naive wall time in `tz_name` denotes, by the gap/overlap rule above."""
    tz = zone(tz_name)
    naive = naive.replace(tzinfo=None)
    if not is_gap(naive, tz):
        return naive.replace(tzinfo=tz, fold=0)
    # Both readings of a gap time bracket the transition; find it to the second.
    low = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    low, high = min(low, high), max(low, high)
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == high.astimezone(tz).utcoffset():
            high = middle
        else:
            low = middle
    return high.replace(microsecond=0).astimezone(tz)


def add_elapsed(moment: datetime, delta: timedelta) -> datetime:
    """`moment + delta` as elapsed time, in `moment`'s zone.

    Python adds a timedelta to an aware datetime on the wall clock, which is wrong across a
    DST switch (02:00 + 1h would be 03:00 on a day that has no 02:00-03:00); this adds in UTC.
    """
    return (moment.astimezone(UTC) + delta).astimezone(moment.tzinfo)


def elapsed(start: datetime, end: datetime) -> timedelta:
    """Real time between two instants, even when both carry the same zone."""
    return end.astimezone(UTC) - start.astimezone(UTC)


def day_bounds(day: date, tz_name: str) -> tuple[datetime, datetime]:
    """[start, end) of a local calendar day as instants; 23 or 25 hours long on DST days."""
    start = localize(datetime.combine(day, time()), tz_name)
    end = localize(datetime.combine(day + timedelta(days=1), time()), tz_name)
    return start, end


def local_today(now: datetime, tz_name: str) -> date:
    return now.astimezone(zone(tz_name)).date()


def format_when(value: date | datetime, tz_name: str, now: datetime | None = None) -> str:
    """'Fri 13 Mar 2026 17:00 Europe/Berlin' for instants, 'Fri 13 Mar 2026' for dates.

    The year is left out when it is the current one, so everyday output stays short.
    """
    if isinstance(value, datetime):
        local = value.astimezone(zone(tz_name))
        return f"{_day_label(local.date(), now, tz_name)} {local:%H:%M} {tz_name}"
    return _day_label(value, now, tz_name)


def _day_label(day: date, now: datetime | None, tz_name: str) -> str:
    label = f"{day:%a} {day.day} {day:%b}"
    if now is None or local_today(now, tz_name).year != day.year:
        label += f" {day.year}"
    return label


def format_duration(delta: timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    return (
        " ".join(
            part
            for part in (f"{hours}h" if hours else "", f"{minutes}m" if minutes else "")
            if part
        )
        or "0m"
    )
