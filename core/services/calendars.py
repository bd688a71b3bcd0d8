"""Calendar events: add, agenda (recurrences expanded, exceptions applied), free time."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core import recurrence
from core.db import Database
from core.errors import Conflict, Invalid, NotFound
from core.models import Event, EventException
from core.ports import Clock
from core.services import journal
from core.services.users import user_timezone
from core.services.views import EventView, FreeSlot
from core.timeutil import add_elapsed, day_bounds, localize, zone

ENTITY = "event"


@dataclass(frozen=True)
class NewEvent:
    title: str
    start: datetime
    end: datetime
    all_day: bool = False
    location: str | None = None
    attendees: tuple[str, ...] = ()
    recurrence: str | None = None
    notes: str = ""
    uid: str | None = None


@dataclass(frozen=True)
class Workday:
    start: time = time(9)
    end: time = time(18)


class CalendarService:
    def __init__(self, db: Database, clock: Clock, workday: Workday | None = None) -> None:
        self.db = db
        self.clock = clock
        self.workday = workday or Workday()

    def add(self, user_id: int, new: NewEvent) -> EventView:
        with self.db.transaction() as session:
            tz = user_timezone(session, user_id)
            event = self._insert(session, user_id, new, tz)
            journal.record(session, user_id, ENTITY, event.id, "add", after=journal.snapshot(event))
            return _view(event, event.start_at, event.end_at)

    def _insert(self, session: Session, user_id: int, new: NewEvent, tz: str) -> Event:
        _check(new, tz)
        event = Event(
            user_id=user_id,
            uid=new.uid or f"{uuid.uuid4()}@aurelius",
            title=new.title.strip(),
            start_at=new.start,
            end_at=new.end,
            timezone=tz,
            all_day=new.all_day,
            location=new.location or None,
            attendees=list(new.attendees),
            notes=new.notes,
            recurrence=new.recurrence or None,
        )
        session.add(event)
        session.flush()
        return event

    def agenda(self, user_id: int, start: datetime, end: datetime) -> list[EventView]:
        """Every occurrence overlapping [start, end), in start order."""
        with self.db.transaction() as session:
            return sorted(
                self._occurrences(session, user_id, start, end),
                key=lambda view: (view.start, view.id),
            )

    def day(self, user_id: int, day: date) -> list[EventView]:
        with self.db.transaction() as session:
            tz = user_timezone(session, user_id)
        return self.agenda(user_id, *day_bounds(day, tz))

    def free(
        self,
        user_id: int,
        day: date,
        minimum: timedelta,
        within: tuple[datetime, datetime] | None = None,
    ) -> list[FreeSlot]:
        """Gaps of at least `minimum` between events within the working hours of `day`,
        narrowed to `within` ("friday afternoon") when given."""
        with self.db.transaction() as session:
            tz = user_timezone(session, user_id)
        opens = localize(datetime.combine(day, self.workday.start), tz)
        closes = localize(datetime.combine(day, self.workday.end), tz)
        if within is not None:
            opens, closes = max(opens, within[0]), min(closes, within[1])
        if closes <= opens:
            return []
        busy = [(e.start, e.end) for e in self.agenda(user_id, opens, closes)]
        return [slot for slot in _gaps(opens, closes, busy) if slot.end - slot.start >= minimum]

    def edit(
        self,
        user_id: int,
        event_id: int,
        *,
        title: str | None = None,
        location: str | None = None,
        length: timedelta | None = None,
    ) -> EventView:
        """Change an event's details (for a repeating event: every occurrence).

        An empty `location` clears it; the start moves with `move`.
        """
        with self.db.transaction() as session:
            event = _owned(session, user_id, event_id)
            before = journal.snapshot(event)
            if title is not None:
                if not title.strip():
                    raise Invalid("An event needs a title.")
                event.title = title.strip()
            if location is not None:
                event.location = location.strip() or None
            if length is not None:
                if length <= timedelta(0):
                    raise Invalid("An event must last longer than zero minutes.")
                event.end_at = add_elapsed(event.start_at, length)
            journal.record(
                session, user_id, ENTITY, event.id, "edit", before, journal.snapshot(event)
            )
            return _view(event, event.start_at, event.end_at)

    def remove(self, user_id: int, event_id: int, occurrence: datetime | None = None) -> str:
        """Delete an event, or cancel one occurrence of a repeating event."""
        with self.db.transaction() as session:
            event = _owned(session, user_id, event_id)
            if occurrence is None:
                journal.record(
                    session, user_id, ENTITY, event.id, "remove", journal.snapshot(event)
                )
                session.delete(event)
                return f"Deleted event #{event_id} {event.title!r}."
            original = _occurrence_start(session, event, occurrence)
            _cancel(session, event, original)
            return f"Cancelled the occurrence of {event.title!r} on {original.date()}."

    def move(
        self, user_id: int, event_id: int, occurrence: datetime | None, new_start: datetime
    ) -> EventView:
        """Move an event, or only one occurrence of a repeating event, keeping its length."""
        with self.db.transaction() as session:
            event = _owned(session, user_id, event_id)
            length = event.end_at - event.start_at
            if occurrence is None:
                before = journal.snapshot(event)
                event.start_at, event.end_at = new_start, add_elapsed(new_start, length)
                journal.record(
                    session, user_id, ENTITY, event.id, "move", before, journal.snapshot(event)
                )
                return _view(event, event.start_at, event.end_at)
            original = _occurrence_start(session, event, occurrence)
            session.add(
                EventException(
                    event_id=event.id,
                    occurrence_start=original,
                    new_start=new_start,
                    new_end=add_elapsed(new_start, length),
                )
            )
            return _view(event, new_start, add_elapsed(new_start, length), moved=True)

    def _occurrences(
        self, session: Session, user_id: int, start: datetime, end: datetime
    ) -> Iterable[EventView]:
        query = select(Event).where(
            Event.user_id == user_id,
            or_(Event.recurrence.is_not(None), (Event.start_at < end) & (Event.end_at > start)),
        )
        for event in session.scalars(query):
            if not event.recurrence:
                yield _view(event, event.start_at, event.end_at)
                continue
            yield from _expand(session, event, start, end)


def _expand(session: Session, event: Event, start: datetime, end: datetime) -> Iterable[EventView]:
    exceptions = {
        x.occurrence_start: x
        for x in session.scalars(select(EventException).where(EventException.event_id == event.id))
    }
    length = event.end_at - event.start_at
    assert event.recurrence is not None
    for occurrence in recurrence.occurrences(
        event.recurrence, event.start_at, event.timezone, start, end, length
    ):
        change = exceptions.pop(occurrence, None)
        if change is None:
            yield _view(event, occurrence, add_elapsed(occurrence, length))
        elif not change.cancelled and change.new_start and change.new_end:
            yield _view(event, change.new_start, change.new_end, moved=True)
    for change in exceptions.values():  # moved into the window from outside it
        if (
            change.new_start
            and change.new_end
            and change.new_start < end
            and change.new_end > start
        ):
            yield _view(event, change.new_start, change.new_end, moved=True)


def _cancel(session: Session, event: Event, original: datetime) -> None:
    """Cancel one occurrence (a moved one too); cancelling it again is refused plainly."""
    known = session.scalar(select(EventException).where(
        EventException.event_id == event.id, EventException.occurrence_start == original))
    if known is None:
        session.add(EventException(event_id=event.id, occurrence_start=original, cancelled=True))
    elif known.cancelled:
        raise Conflict(f"The occurrence of {event.title!r} on {original.date()} is already "
                       "cancelled.")
    else:
        known.cancelled = True


def _occurrence_start(session: Session, event: Event, when: datetime) -> datetime:
    """The original start of the occurrence of `event` on the local day of `when`."""
    if not event.recurrence:
        raise Invalid(f"Event #{event.id} does not repeat; leave out --occurrence.")
    day = when.astimezone(zone(event.timezone)).date()
    start, end = day_bounds(day, event.timezone)
    length = event.end_at - event.start_at
    for occurrence in recurrence.occurrences(
        event.recurrence, event.start_at, event.timezone, start, end, length
    ):
        if occurrence >= start:
            return occurrence
    raise NotFound(f"{event.title!r} has no occurrence on {day:%a %d %b %Y}.")


def _gaps(
    opens: datetime, closes: datetime, busy: list[tuple[datetime, datetime]]
) -> list[FreeSlot]:
    slots, cursor = [], opens
    for busy_start, busy_end in sorted(busy):
        if busy_start > cursor:
            slots.append(FreeSlot(cursor, min(busy_start, closes)))
        cursor = max(cursor, busy_end)
    if cursor < closes:
        slots.append(FreeSlot(cursor, closes))
    return [slot for slot in slots if slot.end > slot.start]


def _check(new: NewEvent, tz: str) -> None:
    if not new.title.strip():
        raise Invalid("An event needs a title.")
    if new.start.tzinfo is None or new.end.tzinfo is None:
        raise Invalid("Event times need a zone.")
    if new.end <= new.start:
        raise Invalid("An event must end after it starts; check --duration or --end.")
    if new.recurrence:
        recurrence.rule_for(new.recurrence, new.start.astimezone(zone(tz)).replace(tzinfo=None))


def _owned(session: Session, user_id: int, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None or event.user_id != user_id:
        raise NotFound(f"No event #{event_id}. See `aurelius cal agenda --week` for the ids.")
    return event


def _view(event: Event, start: datetime, end: datetime, moved: bool = False) -> EventView:
    tz = zone(event.timezone)
    return EventView(
        id=event.id,
        title=event.title,
        start=start.astimezone(tz),
        end=end.astimezone(tz),
        timezone=event.timezone,
        all_day=event.all_day,
        location=event.location,
        attendees=list(event.attendees),
        recurrence=event.recurrence,
        uid=event.uid,
        occurrence_moved=moved,
    )
