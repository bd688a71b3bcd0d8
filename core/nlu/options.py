"""Parsing of single CLI option values (due dates, instants, durations, repeats).

Placeholder: ISO dates/times, compact durations and raw RRULE bodies only.
The offline parser replaces the internals; the signatures stay.
"""

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from core.errors import Invalid

_DURATION = re.compile(r"^\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*$", re.IGNORECASE)


def parse_when(text: str, now: datetime, tz: str) -> date | datetime:
    """A date (no time given) or an aware datetime in `tz` (wall time resolved for DST)."""
    value = text.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise Invalid(f"Cannot read {text!r} as a date or time; use e.g. 2026-12-01 or "
                      "'2026-12-01 09:30'.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=ZoneInfo(tz))
    return parsed


def parse_duration(text: str) -> timedelta:
    """A duration such as 45m, 1h30m or 2h."""
    match = _DURATION.match(text)
    if not match or not any(match.groups()):
        raise Invalid(f"Cannot read {text!r} as a duration; use e.g. 45m, 1h30m or 2h.")
    hours, minutes = (int(g) if g else 0 for g in match.groups())
    return timedelta(hours=hours, minutes=minutes)


def parse_recurrence(text: str, now: datetime, tz: str) -> str:
    """An RRULE body such as FREQ=WEEKLY;BYDAY=MO (validated)."""
    from dateutil.rrule import rrulestr

    body = text.strip().removeprefix("RRULE:")
    try:
        rrulestr(body, dtstart=now.replace(tzinfo=None))
    except (ValueError, TypeError):
        raise Invalid(f"Cannot read {text!r} as a repeat rule; use an RRULE such as "
                      "FREQ=WEEKLY;BYDAY=MO,WE.") from None
    return body
