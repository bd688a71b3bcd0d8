"""RRULE arithmetic in local wall time, so "every day at 08:00" stays 08:00 across DST.

Every rule is checked once where it enters (CLI, TUI, chat tools, iCalendar import) by
`validate`, and every expansion is bounded: it starts close to the window it is asked about
and walks at most `MAX_STEPS` occurrences within `MAX_SECONDS`, whatever is stored.
"""

from __future__ import annotations

import re
import time as clock
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from core.errors import Invalid
from core.timeutil import add_elapsed, localize, zone

FREQS = ("SECONDLY", "MINUTELY", "HOURLY", "DAILY", "WEEKLY", "MONTHLY", "YEARLY")
# The finest repeat each kind of item may use: a task is done at most once a day, a meeting
# or a reminder more often than hourly is a mistake (or a hostile file), not a plan.
FINEST = {"task": "DAILY", "event": "HOURLY", "reminder": "HOURLY"}
PARTS = {
    "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY",
    "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "WKST",
}  # fmt: skip
MAX_INTERVAL = 1000
MAX_COUNT = 10_000
SEARCH_YEARS = 100  # a rule whose first occurrence is further away never really happens
MAX_STEPS = 20_000  # occurrences one expansion may walk, however wide the window
MAX_SECONDS = 2.0
_STEP = {
    "SECONDLY": timedelta(seconds=1), "MINUTELY": timedelta(minutes=1),
    "HOURLY": timedelta(hours=1), "DAILY": timedelta(days=1), "WEEKLY": timedelta(days=7),
}  # fmt: skip
_SET_SIZE = {"YEARLY": 366, "MONTHLY": 31, "WEEKLY": 7, "DAILY": 1}
_UNTIL = re.compile(r"UNTIL=([0-9]{8})(T[0-9]{6}Z?)?", re.IGNORECASE)


def validate(
    body: str, kind: str, start: datetime | date | None = None, *, reach: bool = True
) -> str:
    """The rule (one RRULE per line) in canonical form, or Invalid with one line naming it.

    `reach=False` skips the search for a first occurrence (for rules already stored, whose
    expansion is bounded anyway).
    """
    lines = [line.strip().removeprefix("RRULE:") for line in body.strip().splitlines()]
    if not lines or not all(lines):
        raise Invalid("A repeat rule is empty; write one such as FREQ=WEEKLY;BYDAY=MO.")
    return "\n".join(_validate_line(line.upper(), kind, start, reach) for line in lines)


def _validate_line(line: str, kind: str, start: datetime | date | None, reach: bool) -> str:
    try:
        parts = _parts(line)
        _check_freq(parts, kind)
        _check_numbers(parts)
        anchor = _naive(start) if start is not None else datetime(2026, 1, 1, 9)
        dated = start is not None and not isinstance(start, datetime)
        rule = _rrule(line, anchor, "UTC", dated)
        if reach:
            _check_reachable(rule, parts, anchor)
    except Invalid as exc:
        raise Invalid(f"Cannot use repeat rule {line!r}: {exc}") from None
    return line


def _parts(line: str) -> dict[str, str]:
    parts: dict[str, str] = {}
    for piece in line.split(";"):
        key, sep, value = piece.partition("=")
        if not sep or not value or key not in PARTS or key in parts:
            raise Invalid(f"{piece!r} is not an RRULE part; write e.g. FREQ=WEEKLY;BYDAY=MO.")
        parts[key] = value
    if "FREQ" not in parts:
        raise Invalid("it has no FREQ; start with FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")
    if "COUNT" in parts and "UNTIL" in parts:
        raise Invalid("use COUNT or UNTIL, not both.")
    return parts


def _check_freq(parts: dict[str, str], kind: str) -> None:
    freq = parts["FREQ"]
    if freq not in FREQS:
        raise Invalid(f"FREQ={freq} is unknown; use one of {', '.join(FREQS[2:])}.")
    finest = FINEST.get(kind, "DAILY")
    if FREQS.index(freq) < FREQS.index(finest):
        raise Invalid(
            f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} can repeat at most {finest.lower()}."
        )


def _check_numbers(parts: dict[str, str]) -> None:
    interval = _number(parts.get("INTERVAL", "1"), "INTERVAL")
    if not 1 <= interval <= MAX_INTERVAL:
        raise Invalid(f"INTERVAL must be between 1 and {MAX_INTERVAL}.")
    if "COUNT" in parts and not 1 <= _number(parts["COUNT"], "COUNT") <= MAX_COUNT:
        raise Invalid(f"COUNT must be between 1 and {MAX_COUNT}.")
    for position in parts.get("BYSETPOS", "").split(",") if "BYSETPOS" in parts else ():
        if not 1 <= abs(_number(position, "BYSETPOS")) <= _set_size(parts):
            raise Invalid(f"BYSETPOS={position} never matches a {parts['FREQ'].lower()} set.")


def _number(text: str, name: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]{1,6}", text):
        raise Invalid(f"{name}={text[:12]} is not a small whole number.")
    return int(text)


def _set_size(parts: dict[str, str]) -> int:
    size = _SET_SIZE.get(parts["FREQ"], 1)
    for key in ("BYHOUR", "BYMINUTE", "BYSECOND"):
        size *= len(parts[key].split(",")) if key in parts else 1
    return size


def _check_reachable(rule: Any, parts: dict[str, str], anchor: datetime) -> None:
    """The rule must occur within SEARCH_YEARS of its start.

    dateutil walks an empty rule up to year 9999 whatever its UNTIL, so the search runs on a
    copy moved 400·INTERVAL years ahead (the Gregorian calendar, weekdays included, repeats
    every 400 years) to where year 9999 is at most a few centuries away.
    """
    from dateutil.rrule import MONTHLY, YEARLY

    days = rule.replace(
        freq=MONTHLY if parts["FREQ"] == "MONTHLY" else YEARLY,
        interval=1, count=None, until=None, bysetpos=None,
        byhour=anchor.hour, byminute=anchor.minute, bysecond=anchor.second,
    )  # fmt: skip
    if "UNTIL" in parts:  # a finished series is fine; only its rule must be readable
        return
    for candidate in (days, rule.replace(count=None)):
        if _first(*_late_copy(candidate, anchor)) is None:
            raise Invalid(f"it never occurs within {SEARCH_YEARS} years of its start.")


def _late_copy(rule: Any, anchor: datetime) -> tuple[Any, datetime, datetime]:
    cycle = 400 * rule._interval
    shift = max(0, (9999 - SEARCH_YEARS - anchor.year) // cycle) * cycle
    late = anchor.replace(year=anchor.year + shift)
    horizon = late.replace(year=min(late.year + SEARCH_YEARS, 9999))
    return rule.replace(dtstart=late), late, horizon


def _first(rule: Any, anchor: datetime, horizon: datetime) -> datetime | None:
    for steps, moment in enumerate(rule):
        if moment > horizon or steps > MAX_STEPS:
            return None
        if moment >= anchor:
            return moment  # type: ignore[no-any-return]
    return None


def rule_for(body: str, local_start: datetime, tz_name: str = "UTC") -> Any:
    """The rule set anchored at a naive local start; raise Invalid on a bad rule.

    UNTIL is read against DTSTART's kind (RFC 5545 writes it in UTC for zoned starts), so
    `UNTIL=…Z` on a `DTSTART;TZID=…` start means the same instant in local wall time.
    """
    from dateutil.rrule import rruleset

    rules = rruleset()
    for rule in _rules(body, local_start, tz_name):
        rules.rrule(rule)
    return rules


def _rules(body: str, local_start: datetime, tz_name: str, all_day: bool = False) -> list[Any]:
    lines = [line.strip().removeprefix("RRULE:") for line in body.strip().splitlines()]
    return [_rrule(line, local_start, tz_name, all_day) for line in lines]


def _rrule(line: str, local_start: datetime, tz_name: str, all_day: bool = False) -> Any:
    from dateutil.rrule import rrulestr

    try:
        return rrulestr(_local_until(line, tz_name, all_day), dtstart=local_start)
    except (ValueError, TypeError, OverflowError, KeyError, AttributeError, IndexError) as exc:
        raise Invalid(
            f"Cannot use repeat rule {line!r} ({exc}); write an RRULE such as "
            "FREQ=WEEKLY;BYDAY=MO,WE or a phrase like 'every monday'."
        ) from None


def _local_until(line: str, tz_name: str, all_day: bool) -> str:
    """UNTIL as naive local wall time; on an all-day series a date-time names its UTC date
    (SabreDAV and others write the last day as a UTC instant)."""
    found = _UNTIL.search(line)
    if found is None:
        return line
    day, clock_part = found.group(1), (found.group(2) or "").upper()
    try:
        if clock_part and not all_day:
            until = datetime.strptime(day + clock_part[:7], "%Y%m%dT%H%M%S")
            if clock_part.endswith("Z"):
                until = until.replace(tzinfo=UTC).astimezone(zone(tz_name)).replace(tzinfo=None)
        else:  # a date: the whole of that day counts
            until = datetime.strptime(day, "%Y%m%d") + timedelta(days=1, seconds=-1)
    except (ValueError, OverflowError):
        raise Invalid(f"UNTIL={found.group(0)[6:]} is not a date.") from None
    return line[: found.start()] + f"UNTIL={until:%Y%m%dT%H%M%S}" + line[found.end() :]


def next_due(
    body: str, due: date | datetime, tz_name: str, not_before: date
) -> date | datetime | None:
    """The next occurrence after `due` that falls on or after `not_before` (a local date).

    A recurring task completed late does not spawn the occurrences it missed: the next one
    is the first that is still ahead, as in Todoist.
    """
    timed = isinstance(due, datetime)
    local = _naive(due.astimezone(zone(tz_name)) if isinstance(due, datetime) else due)
    floor = local
    if not_before > local.date():
        floor = _midnight(not_before) - timedelta(microseconds=1)
    following = _after(body, local, tz_name, floor)
    if following is None:
        return None
    return localize(following, tz_name) if timed else following.date()


def next_after(body: str, anchor: datetime, tz_name: str, moment: datetime) -> datetime | None:
    """The first occurrence strictly after the instant `moment`, counted in wall time.

    A wall time that happens twice (DST overlap) fires once; one in a gap fires at the first
    valid instant after it.
    """
    tz = zone(tz_name)
    local = anchor.astimezone(tz).replace(tzinfo=None)
    following = _after(body, local, tz_name, moment.astimezone(tz).replace(tzinfo=None))
    return None if following is None else localize(following, tz_name)


def _after(body: str, local_start: datetime, tz_name: str, floor: datetime) -> datetime | None:
    for moment in _walk(body, local_start, tz_name, floor):
        if moment > floor:
            return moment
    return None


def occurrences(
    body: str,
    start: datetime,
    tz_name: str,
    window_start: datetime,
    window_end: datetime,
    length: timedelta,
    all_day: bool = False,
) -> Iterator[datetime]:
    """Start instants of the occurrences that overlap [window_start, window_end)."""
    tz = zone(tz_name)
    local_start = start.astimezone(tz).replace(tzinfo=None)
    low = add_elapsed(window_start, -length).astimezone(tz).replace(tzinfo=None)
    high = window_end.astimezone(tz).replace(tzinfo=None)
    for local in _walk(body, local_start, tz_name, low - timedelta(hours=3), all_day):
        if local > high:
            return
        instant = localize(local, tz_name)
        if instant < window_end and (
            add_elapsed(instant, length) > window_start or instant >= window_start
        ):
            yield instant


def _walk(
    body: str, local_start: datetime, tz_name: str, low: datetime, all_day: bool = False
) -> Iterator[datetime]:
    """Occurrences from about `low` on, at most MAX_STEPS of them within MAX_SECONDS."""
    rules = [_forwarded(rule, low) for rule in _rules(body, local_start, tz_name, all_day)]
    deadline = clock.monotonic() + MAX_SECONDS
    for steps, moment in enumerate(_merged(rules)):
        if steps >= MAX_STEPS or clock.monotonic() > deadline:
            return
        if moment >= low:
            yield moment


def _merged(rules: list[Any]) -> Iterator[datetime]:
    import heapq

    last = None
    for moment in heapq.merge(*rules):
        if moment != last:
            yield moment
        last = moment


def _forwarded(rule: Any, low: datetime) -> Any:
    """The same rule with DTSTART moved forward by whole periods to just before `low`.

    Shifting by whole periods keeps every occurrence; a COUNT is counted from the real
    start, so a counted rule (bounded by MAX_COUNT) is walked from there.
    """
    start: datetime = rule._dtstart
    if rule._count is not None or low <= start:
        return rule
    freq = FREQS[::-1][rule._freq]
    if freq in _STEP:
        period = _STEP[freq] * rule._interval
        periods = (low - start) // period - 1
        return rule.replace(dtstart=start + period * periods) if periods > 0 else rule
    cycle = 400 * rule._interval  # Gregorian years repeat weekdays and leap days every 400
    cycles = (low.year - start.year) // cycle - 1
    if cycles <= 0:
        return rule
    return rule.replace(dtstart=start.replace(year=start.year + cycle * cycles))


def _naive(value: date | datetime) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    return _midnight(value)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())
