"""RRULE arithmetic in local wall time, so "every day at 08:00" stays 08:00 across DST."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from core.errors import Invalid
from core.timeutil import add_elapsed, localize, zone


def rule_for(body: str, local_start: datetime) -> object:
    """Parse an RRULE body anchored at a naive local start; raise Invalid on a bad rule."""
    from dateutil.rrule import rrulestr

    try:
        return rrulestr(body.removeprefix("RRULE:"), dtstart=local_start)
    except (ValueError, TypeError) as exc:
        raise Invalid(
            f"Cannot use repeat rule {body!r} ({exc}); write an RRULE such as "
            "FREQ=WEEKLY;BYDAY=MO,WE or a phrase like 'every monday'."
        ) from None


def next_due(
    body: str, due: date | datetime, tz_name: str, not_before: date
) -> date | datetime | None:
    """The next occurrence after `due` that falls on or after `not_before` (a local date).

    A recurring task completed late does not spawn the occurrences it missed: the next one
    is the first that is still ahead, as in Todoist.
    """
    timed = isinstance(due, datetime)
    if isinstance(due, datetime):
        local = due.astimezone(zone(tz_name)).replace(tzinfo=None)
    else:
        local = _midnight(due)
    rule = rule_for(body, local)
    floor = local
    if not_before > local.date():
        floor = _midnight(not_before) - timedelta(microseconds=1)
    following = rule.after(floor)  # type: ignore[attr-defined]
    if following is None:
        return None
    return localize(following, tz_name) if timed else following.date()


def next_after(body: str, anchor: datetime, tz_name: str, moment: datetime) -> datetime | None:
    """The first occurrence strictly after the instant `moment`, counted in wall time.

    A wall time that happens twice (DST overlap) fires once; one in a gap fires at the first
    valid instant after it.
    """
    tz = zone(tz_name)
    rule = rule_for(body, anchor.astimezone(tz).replace(tzinfo=None))
    following = rule.after(moment.astimezone(tz).replace(tzinfo=None))  # type: ignore[attr-defined]
    return None if following is None else localize(following, tz_name)


def occurrences(
    body: str,
    start: datetime,
    tz_name: str,
    window_start: datetime,
    window_end: datetime,
    length: timedelta,
) -> Iterator[datetime]:
    """Start instants of the occurrences that overlap [window_start, window_end)."""
    tz = zone(tz_name)
    local_start = start.astimezone(tz).replace(tzinfo=None)
    rule = rule_for(body, local_start)
    low = add_elapsed(window_start, -length).astimezone(tz).replace(tzinfo=None)
    high = window_end.astimezone(tz).replace(tzinfo=None)
    for local in rule.between(low - timedelta(hours=3), high, inc=True):  # type: ignore[attr-defined]
        instant = localize(local, tz_name)
        if instant < window_end and add_elapsed(instant, length) > window_start:
            yield instant


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())
