"""Parsing of single CLI option values (due dates, instants, durations, repeats).

Used by options such as --due, --at, --start, --duration and --repeat. Each function
accepts the strict machine form (ISO 8601, 1h30m, an RRULE body) and the phrases the
offline parser understands ("friday 5pm", "half an hour", "every other monday"), and
raises `Invalid` with a message that says what would work.

Naive wall times are localised with `core.timeutil.localize`: a time inside a DST gap
becomes the first valid instant after the gap, a time in an overlap its first occurrence.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from core.errors import Invalid
from core.nlu import recurrence, temporal, times
from core.nlu.clock import duration as _duration_rule
from core.nlu.clock import duration_minutes
from core.nlu.lazy import lazy
from core.nlu.lexicon import normalise
from core.nlu.pieces import Context
from core.nlu.titles import extend_left
from core.timeutil import localize

_ISO_DATE = lazy(r"\d{4}-\d{2}-\d{2}")
_FILLER = lazy(r"\b(?:on|at|by|due|for|the|in|from|starting|until|before|around)\b|[,.]")
_COMPACT = lazy(
    r"(?:(?P<d>\d+(?:\.\d+)?)\s*d(?:ays?)?)?\s*(?:(?P<h>\d+(?:\.\d+)?)\s*h(?:ours?|rs?)?)?\s*"
    r"(?:(?P<m>\d+)\s*m(?:in(?:ute)?s?)?)?"
)
_CLOCK_DURATION = lazy(r"(\d{1,2}):(\d{2})")
_RRULE_PREFIX = lazy(r"^\s*rrule\s*:\s*", re.IGNORECASE)


def parse_when(text: str, now: datetime, tz: str) -> date | datetime:
    """A date (no time given) or an aware datetime in `tz` (wall time resolved for DST)."""
    value = text.strip()
    _check_zone(tz)
    iso = _iso(value, tz)
    if iso is not None:
        return iso
    norm = normalise(value).norm
    when = temporal.extract(norm, Context(times.aware_now(now, tz), tz))
    if when.point is None or not _covered(norm, when):
        raise Invalid(
            f"Cannot read {text!r} as a date or time; use e.g. 2026-12-01, "
            "'2026-12-01 09:30', 'friday 5pm', 'tomorrow' or 'in 2 hours'."
        )
    return when.point


def _check_zone(tz: str) -> None:
    try:
        times.zone(tz)
    except (ValueError, KeyError, OSError):
        raise Invalid(
            f"Unknown time zone {tz!r}; use an IANA name such as Europe/Berlin."
        ) from None


def _iso(value: str, tz: str) -> date | datetime | None:
    if _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise Invalid(
                f"{value!r} is not a real date; check the month and day (YYYY-MM-DD)."
            ) from None
    if not re.match(r"\d{4}-\d{2}-\d{2}[T ]\d", value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise Invalid(
            f"Cannot read {value!r} as an ISO date-time; use e.g. "
            "'2026-12-03 09:00' or 2026-12-03T09:00+01:00."
        ) from None
    if parsed.tzinfo is None:
        return localize(parsed, tz)
    return parsed.astimezone(times.zone(tz))


def _covered(norm: str, when: temporal.When) -> bool:
    """True when nothing but time phrases (and small linking words) was typed."""
    chars = list(norm)
    for piece in when.pieces:
        if piece.kind == "duration":
            continue
        start = extend_left(norm, piece.start)
        chars[start : piece.end] = " " * (piece.end - start)
    return not _FILLER.sub(" ", "".join(chars)).strip()


def parse_duration(text: str) -> timedelta:
    """A duration such as 45m, 1h30m, 2h, '90 minutes', 'half an hour' or '1.5 hours'."""
    value = re.sub(r"^\s*for\s+", "", text.strip().lower())
    minutes = _compact_minutes(value)
    if minutes is None:
        m = _duration_rule[0].fullmatch(normalise(value).norm)
        minutes = duration_minutes(m) if m else None
    if minutes is None or minutes <= 0:
        raise Invalid(
            f"Cannot read {text!r} as a duration; use e.g. 45m, 1h30m, 2h, "
            "'90 minutes' or 'half an hour'."
        )
    return timedelta(minutes=minutes)


def _compact_minutes(value: str) -> int | None:
    clock = _CLOCK_DURATION.fullmatch(value)
    if clock:
        return int(clock[1]) * 60 + int(clock[2])
    if value.isdigit():
        return int(value)  # a bare number is minutes, as in "--duration 30"
    m = _COMPACT.fullmatch(value)
    if not value or m is None or not any(m.groupdict().values()):
        return None
    days, hours = float(m["d"] or 0), float(m["h"] or 0)
    return round(days * 1440 + hours * 60 + int(m["m"] or 0))


def parse_recurrence(text: str, now: datetime, tz: str) -> str:
    """An RRULE body such as FREQ=WEEKLY;BYDAY=MO (validated), from a rule or a phrase."""
    value = _RRULE_PREFIX.sub("", text.strip())
    if "=" in value:
        body = value.upper().rstrip(";")
        if "FREQ=" in body and recurrence.is_valid(body):
            return body
        raise Invalid(
            f"{text!r} is not a valid repeat rule; use an RRULE such as "
            "FREQ=WEEKLY;BYDAY=MO,WE or a phrase like 'every other monday'."
        )
    found = recurrence.find(normalise(value).norm)
    if found is None:
        raise Invalid(
            f"Cannot read {text!r} as a repeat; try 'daily', 'every weekday', "
            "'every other monday', 'first monday of every month' or an RRULE "
            "such as FREQ=WEEKLY;BYDAY=MO."
        )
    return found.rule
