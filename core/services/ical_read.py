"""Reading the VEVENTs of one UID into a series with its changes, as RFC 5545 and the big
producers (Google, Microsoft, Apple, Thunderbird, CalDAV servers) mean them.

Nothing here touches the database. Anything that cannot be read raises `Unreadable` with a
reason for the import report; anything read leniently (as other implementations do) is
noted in `Series.adjusted`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from core import recurrence
from core.errors import Invalid
from core.models import Event, EventException
from core.services import occurrences
from core.services.ical_zones import instant, zone_of
from core.timeutil import zone

YEARS = range(1000, 9001)  # outside, date arithmetic overflows or the value is a typo
LONGEST = timedelta(days=3660)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class Unreadable(Exception):
    """One UID's events cannot be imported; the message is the report's reason."""


@dataclass
class Series:
    event: Event  # transient: filled in, never added to a session here
    changes: list[EventException] = field(default_factory=list)
    adjusted: list[str] = field(default_factory=list)
    digest: str = ""


def derived_uid(component: Any) -> str:
    """A stable UID for a VEVENT without one: the digest of its content, so re-imports match."""
    return f"{_digest([component])[:24]}@derived.aurelius"


def read_series(uid: str, components: list[Any], floating: str) -> Series:
    """The newest version (highest SEQUENCE) of the series `uid`, with its overrides."""
    masters = [c for c in components if "recurrence-id" not in c]
    overrides = [c for c in components if "recurrence-id" in c]
    if not masters:
        raise Unreadable("an override whose series is not in the file")
    master = max(masters, key=_sequence)
    series = _read_master(uid, master, floating)
    series.digest = _digest([master, *overrides], floating)
    for override in _newest_per_recurrence_id(overrides):
        add_override(series, override, floating)
    return series


def read_orphan(uid: str, override: Any, floating: str) -> Series:
    """An override whose series is missing, kept as a single event of its own."""
    recurrence_id = _value(override, "recurrence-id")
    own = f"{uid}/{recurrence_id:%Y%m%dT%H%M%S}"[-255:]
    series = _read_master(own, override, floating)
    series.event.recurrence = None
    series.digest = _digest([override], floating)
    series.adjusted.append("an occurrence whose series is not in the file: kept on its own")
    return series


def _read_master(uid: str, component: Any, floating: str) -> Series:
    series = Series(Event(uid=uid, rdates=[], attendees=[]))
    event = series.event
    _times(series, component, floating)
    event.title = _line(component.get("summary")) or "(untitled)"
    event.location = _line(component.get("location")) or None
    event.attendees = [_line(a).removeprefix("mailto:") for a in _list(component.get("attendee"))]
    event.notes = _CONTROL.sub(lambda m: m.group() if m.group() in "\n\t" else "", _text(component))
    event.sequence = _sequence(component)
    event.recurrence = _rules(component, event)
    event.rdates = _rdates(component, floating)
    if event.rdates and event.recurrence is None:
        event.recurrence = ""  # RDATEs alone still make a series
    if event.recurrence is not None:
        cancelled = {moment: _cancel(event, moment) for moment in _exdates(series, component)}
        series.changes = list(cancelled.values())
    return series


def _times(series: Series, component: Any, floating: str) -> None:
    event = series.event
    raw = _value(component, "dtstart")
    all_day = not isinstance(raw, datetime)
    event.timezone = _series_zone(raw, floating, component)
    event.all_day, event.start_at = all_day, instant(raw, event.timezone)
    end = _end(series, component, raw, floating)
    if end < event.start_at:
        series.adjusted.append("DTEND before DTSTART: swapped")
        event.start_at, end = end, event.start_at
    event.end_at = end


def _series_zone(raw: date | datetime, floating: str, component: Any) -> str:
    name = zone_of(raw, floating)
    if name == "UTC" and "rrule" not in component:
        return floating  # a one-off UTC time is shown in the calendar's zone
    return name


def _end(series: Series, component: Any, raw: date | datetime, floating: str) -> datetime:
    event = series.event
    if "dtend" in component:
        end_value = _value(component, "dtend")
        if isinstance(end_value, datetime) == event.all_day:
            series.adjusted.append("DTSTART and DTEND of different types: read as DTSTART's")
            end_value = (
                end_value.date()
                if event.all_day
                else datetime.combine(end_value, datetime.min.time())
            )
        end = instant(end_value, zone_of(end_value, event.timezone))
    elif "duration" in component:
        length = _value(component, "duration")
        if not isinstance(length, timedelta) or abs(length) > LONGEST:
            raise Unreadable("DURATION is not a usable length")
        end = event.start_at + length
    else:
        end = event.start_at
    if event.all_day and end <= event.start_at:
        end = occurrences.midnight_after(event, event.start_at, 1)  # one day, as the RFC says
    if abs(end - event.start_at) > LONGEST:
        raise Unreadable("it lasts more than ten years")
    return end


def _rules(component: Any, event: Event) -> str | None:
    lines = [rule.to_ical().decode() for rule in _list(component.get("rrule"))]
    if not lines:
        return None
    local = event.start_at.astimezone(zone(event.timezone))
    start: date | datetime = local.date() if event.all_day else local
    try:
        return recurrence.validate("\n".join(lines), "event", start)
    except Invalid as exc:
        raise Unreadable(str(exc)) from None


def _rdates(component: Any, floating: str) -> list[list[str | None]]:
    found: list[list[str | None]] = []
    for value in _dates(component, "rdate"):
        if isinstance(value, tuple):  # PERIOD: a start with its own end or duration
            first, last = value
            start = instant(first, zone_of(first, floating))
            end = start + last if isinstance(last, timedelta) else instant(last, floating)
            found.append([start.isoformat(), end.isoformat()])
        else:
            found.append([instant(value, zone_of(value, floating)).isoformat(), None])
    return found


def _exdates(series: Series, component: Any) -> list[datetime]:
    return [_original(series, value) for value in _dates(component, "exdate")]


def _dates(component: Any, name: str) -> list[Any]:
    values: list[Any] = []
    for group in _list(component.get(name)):
        try:
            dts = group.dts
        except (AttributeError, ValueError, TypeError):  # icalendar keeps a broken value
            raise Unreadable(f"{name.upper()} is not a date") from None
        values.extend(item.dt for item in dts)
    for value in values:
        _check_year(value, name)
    return values


def _original(series: Series, value: date | datetime) -> datetime:
    """The series occurrence a RECURRENCE-ID or EXDATE names, whatever its value type.

    A UTC or other-zone date-time on an all-day series names a day (Microsoft writes all-day
    RECURRENCE-IDs as midnight in its own zone); a date on a timed series names that day's
    occurrence.
    """
    event = series.event
    days = _candidate_days(event, value)
    if not event.all_day and isinstance(value, datetime):
        return instant(value, event.timezone)
    for day in days:
        start = instant(day, event.timezone)
        for first, _ in occurrences.spans(event, start, start + timedelta(days=1)):
            if event.all_day or first.astimezone(zone(event.timezone)).date() == day:
                return first
    return instant(days[0], event.timezone)


def _candidate_days(event: Event, value: date | datetime) -> list[date]:
    if not isinstance(value, datetime):
        return [value]
    own = value.date()
    local = value.astimezone(zone(event.timezone)).date() if value.tzinfo else own
    return [own, local] if own != local else [own]


def _cancel(event: Event, moment: datetime) -> EventException:
    return EventException(occurrence_start=moment, cancelled=True, this_and_future=False)


def add_override(series: Series, component: Any, floating: str) -> None:
    original = _original(series, _value(component, "recurrence-id"))
    change = _override_change(series, component, original, floating)
    kept = {c.occurrence_start: c for c in series.changes}
    removed = (original in kept and kept[original].cancelled) or not _occurs(series, original)
    if removed and _sequence(component) < (series.event.sequence or 0):
        series.adjusted.append(
            f"an override of {original:%Y-%m-%d} dropped: a newer version removed it"
        )
        return
    kept[original] = change
    series.changes = list(kept.values())


def _occurs(series: Series, moment: datetime) -> bool:
    found = occurrences.spans(series.event, moment, moment + timedelta(seconds=1))
    return any(first == moment for first, _ in found)


def _override_change(
    series: Series, component: Any, original: datetime, floating: str
) -> EventException:
    own = _read_master(series.event.uid, component, floating).event
    cancelled = str(component.get("status", "")).upper() == "CANCELLED"
    ranged = str(component["recurrence-id"].params.get("RANGE", "")).upper() == "THISANDFUTURE"
    return EventException(
        occurrence_start=original,
        cancelled=cancelled,
        new_start=None if cancelled else own.start_at,
        new_end=None if cancelled else own.end_at,
        title=own.title if component.get("summary") else None,
        location=own.location,
        notes=own.notes or None,
        all_day=own.all_day if own.all_day != series.event.all_day else None,
        this_and_future=ranged,
    )


def _newest_per_recurrence_id(overrides: list[Any]) -> list[Any]:
    newest: dict[str, Any] = {}
    for override in overrides:
        key = override["recurrence-id"].to_ical().decode()
        if key not in newest or _sequence(override) >= _sequence(newest[key]):
            newest[key] = override
    return list(newest.values())


def _value(component: Any, name: str) -> Any:
    value = component.decoded(name)
    if isinstance(value, list):  # a property given twice: the first one counts
        value = value[0]
    if name != "duration" and not isinstance(value, date):
        raise Unreadable(f"{name.upper()} is not a date")
    _check_year(value, name)
    return value


def _check_year(value: Any, name: str) -> None:
    moment = value[0] if isinstance(value, tuple) else value
    if isinstance(moment, date) and moment.year not in YEARS:
        raise Unreadable(f"{name.upper()} year {moment.year:04d} is out of range")


def _sequence(component: Any) -> int:
    try:
        return int(str(component.get("sequence", 0)))
    except ValueError:
        return 0


def _line(value: Any) -> str:
    return " ".join(_CONTROL.sub(" ", str(value or "")).split())


def _text(component: Any) -> str:
    return str(component.get("description") or "")


def _list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _digest(components: list[Any], floating: str = "") -> str:
    """What the import depends on: every line but DTSTAMP (a new export sets it anew)."""
    text = floating
    for component in components:
        lines = component.to_ical().decode(errors="replace").splitlines()
        text += "\n".join(line for line in lines if not line.startswith("DTSTAMP"))
    return hashlib.sha256(text.encode()).hexdigest()
