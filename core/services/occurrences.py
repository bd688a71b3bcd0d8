"""One stored event as the occurrences that overlap a window, as RFC 5545 defines them.

A series' occurrences are its DTSTART, the union of its RRULEs and its RDATEs; exceptions
then cancel (EXDATE), move or change one occurrence (RECURRENCE-ID), or this and every later
one (RANGE=THISANDFUTURE). An all-day occurrence runs from local midnight to local midnight,
however long the day is; a timed one lasts the series' elapsed length.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from core import recurrence
from core.models import Event, EventException
from core.services.views import EventView
from core.timeutil import add_elapsed, localize, zone

Span = tuple[datetime, datetime]


def is_series(event: Event) -> bool:
    """A rule, or RDATEs alone (stored as an empty rule)."""
    return event.recurrence is not None


def spans(
    event: Event, start: datetime, end: datetime, reach: timedelta = timedelta(0)
) -> list[Span]:
    """Original (start, end) of the occurrences overlapping [start - reach, end + reach)."""
    low, high = start - reach, end + reach
    length = event.end_at - event.start_at
    found: dict[datetime, datetime] = {}
    if event.recurrence:
        for moment in recurrence.occurrences(
            event.recurrence, event.start_at, event.timezone, low, high, length, event.all_day
        ):
            found[moment] = end_of(event, moment, length)
    found.setdefault(event.start_at, event.end_at)
    for first, last in event.rdates or []:
        moment = datetime.fromisoformat(str(first))
        found.setdefault(
            moment, datetime.fromisoformat(last) if last else end_of(event, moment, length)
        )
    return sorted((s, e) for s, e in found.items() if overlaps(s, e, low, high))


def overlaps(first: datetime, last: datetime, start: datetime, end: datetime) -> bool:
    """Whether [first, last) meets [start, end); a zero-length event counts at its instant."""
    return first < end and (last > start or (first == last and first >= start))


def end_of(event: Event, start: datetime, length: timedelta) -> datetime:
    if not event.all_day:
        return add_elapsed(start, length)
    return midnight_after(event, start, days_between(event))


def days_between(event: Event) -> int:
    local = zone(event.timezone)
    days = (event.end_at.astimezone(local).date() - event.start_at.astimezone(local).date()).days
    return max(days, 1)


def midnight_after(event: Event, start: datetime, days: int) -> datetime:
    day = start.astimezone(zone(event.timezone)).date() + timedelta(days=days)
    return localize(datetime.combine(day, time()), event.timezone)


def expand(
    event: Event, changes: Iterable[EventException], start: datetime, end: datetime
) -> list[EventView]:
    """Every occurrence of `event` overlapping [start, end), exceptions applied."""
    if not is_series(event):
        return [view(event, event.start_at, event.end_at)]
    by_start = {change.occurrence_start: change for change in changes}
    future = sorted(
        (c for c in by_start.values() if c.this_and_future and not c.cancelled),
        key=lambda c: c.occurrence_start,
    )
    reach = max((abs(_shift(c)) for c in future), default=timedelta(0))
    views = []
    for first, last in spans(event, start, end, reach):
        change = by_start.pop(first, None) or _governing(future, first)
        if change is not None and change.cancelled:
            continue
        moved = _moved(event, change, first, last)
        if overlaps(*moved, start, end):
            views.append(view(event, *moved, change=change))
    views.extend(_moved_in(event, by_start.values(), start, end))
    return views


def _governing(future: list[EventException], moment: datetime) -> EventException | None:
    """The latest THISANDFUTURE change at or before `moment`."""
    found = None
    for change in future:
        if change.occurrence_start <= moment:
            found = change
    return found


def _shift(change: EventException) -> timedelta:
    return (change.new_start or change.occurrence_start) - change.occurrence_start


def _moved(event: Event, change: EventException | None, first: datetime, last: datetime) -> Span:
    if change is None or change.new_start is None:
        return first, last
    begin = add_elapsed(first, _shift(change))
    return begin, add_elapsed(begin, (change.new_end or change.new_start) - change.new_start)


def _moved_in(
    event: Event, changes: Iterable[EventException], start: datetime, end: datetime
) -> Iterable[EventView]:
    """One-off moves whose original occurrence lies outside the window but the new one inside."""
    for change in changes:
        if change.cancelled or change.this_and_future or change.new_start is None:
            continue
        last = change.new_end or change.new_start
        if overlaps(change.new_start, last, start, end):
            yield view(event, change.new_start, last, change=change)


def view(
    event: Event, start: datetime, end: datetime, change: EventException | None = None
) -> EventView:
    tz = zone(event.timezone)
    all_day = event.all_day if change is None or change.all_day is None else change.all_day
    return EventView(
        id=event.id,
        title=(change.title if change and change.title else None) or event.title,
        start=start.astimezone(tz),
        end=end.astimezone(tz),
        timezone=event.timezone,
        all_day=all_day,
        location=event.location if change is None or change.location is None else change.location,
        attendees=list(event.attendees),
        recurrence=event.recurrence,
        uid=event.uid,
        occurrence_moved=change is not None
        and change.new_start is not None
        and _shift(change) != timedelta(0),
        calendar_id=event.calendar_id,
    )


def local_day(moment: datetime, tz_name: str) -> date:
    return moment.astimezone(zone(tz_name)).date()
