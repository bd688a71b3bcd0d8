"""Calendar events: add, agenda (recurrences expanded, exceptions applied), free time."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core import recurrence
from core.db import Database
from core.errors import Invalid, NotFound
from core.models import Event, EventException
from core.ports import Clock
from core.services import journal, linked_calendars, occurrences, outbox
from core.services.users import user_timezone
from core.services.views import EventView, FreeSlot
from core.timeutil import add_elapsed, day_bounds, localize, zone

ENTITY = "event"
log = logging.getLogger(__name__)
# What reading one stored event can raise; a view skips that event and names it.
UNREADABLE = (Invalid, ValueError, TypeError, KeyError, OverflowError, ArithmeticError)


@dataclass(frozen=True)
class SkippedEvent:
    id: int
    title: str
    reason: str

    def line(self) -> str:
        return f"Skipped event #{self.id} {self.title!r}: {self.reason}"


@dataclass(frozen=True)
class Agenda:
    events: list[EventView]
    skipped: list[SkippedEvent] = field(default_factory=list)


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
    calendar: str | None = None  # a linked calendar's name or id; None: the default one


@dataclass(frozen=True)
class Workday:
    start: time = time(9)
    end: time = time(18)


class CalendarService:
    """Events of every calendar. A change to a linked calendar's event is queued in the
    outbox in the same transaction; `after_write` then hears the connection's id (to send it
    soon). New events go to `NewEvent.calendar`, else `default_calendar`, else stay local."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        workday: Workday | None = None,
        default_calendar: str | None = None,
        after_write: Callable[[int], None] | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.workday = workday or Workday()
        self.default_calendar = default_calendar
        self.after_write = after_write

    def add(self, user_id: int, new: NewEvent) -> EventView:
        with self.db.transaction() as session:
            tz = user_timezone(session, user_id)
            event = self._insert(session, user_id, new, tz)
            journal.record(session, user_id, ENTITY, event.id, "add", after=journal.snapshot(event))
            sent_by = outbox.record(session, event, "create", self.clock.now())
            shown = _view(event, event.start_at, event.end_at)
        self._written(sent_by)
        return shown

    def calendars(self, user_id: int) -> list[linked_calendars.CalendarView]:
        """Every calendar of the user, local and linked, with the default marked."""
        with self.db.transaction() as session:
            return linked_calendars.views(session, user_id, self.default_calendar)

    def _written(self, connection_id: int | None) -> None:
        if connection_id is not None and self.after_write is not None:
            try:
                self.after_write(connection_id)
            except Exception:  # the write waits in the outbox; the next sync sends it
                log.warning("could not schedule sending to connection %s", connection_id)

    def _insert(self, session: Session, user_id: int, new: NewEvent, tz: str) -> Event:
        _check(new, tz)
        calendar = linked_calendars.find(session, user_id, new.calendar or self.default_calendar)
        event = Event(
            user_id=user_id,
            calendar_id=calendar.id if calendar else None,
            uid=new.uid or f"{uuid.uuid4()}@aurelius",
            title=new.title.strip(),
            start_at=new.start,
            end_at=new.end,
            timezone=tz,
            all_day=new.all_day,
            location=new.location or None,
            attendees=[
                " ".join("".join(c if c.isprintable() else " " for c in a).split())
                for a in new.attendees
            ],
            notes=new.notes,
            recurrence=new.recurrence or None,
        )
        session.add(event)
        session.flush()
        return event

    def agenda(self, user_id: int, start: datetime, end: datetime) -> list[EventView]:
        """Every occurrence overlapping [start, end), in start order."""
        return self.agenda_report(user_id, start, end).events

    def agenda_report(self, user_id: int, start: datetime, end: datetime) -> Agenda:
        """The agenda, and the events that could not be read (each skipped, never fatal)."""
        with self.db.transaction() as session:
            events, skipped = [], []
            for event in _candidates(session, user_id, start, end):
                try:
                    events.extend(_expand(session, event, start, end))
                except UNREADABLE as exc:
                    skipped.append(SkippedEvent(event.id, event.title, _reason(exc)))
                    log.warning("calendar view skipped event %s: %s", event.id, exc)
            events.sort(key=lambda view: (view.start, view.id))
            return Agenda(events, skipped)

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
                _set_length(session, event, length)
            journal.record(
                session, user_id, ENTITY, event.id, "edit", before, journal.snapshot(event)
            )
            sent_by = outbox.record(session, event, "update", self.clock.now())
            shown = _view(event, event.start_at, event.end_at)
        self._written(sent_by)
        return shown

    def remove(self, user_id: int, event_id: int, occurrence: datetime | None = None) -> str:
        """Delete an event, or cancel one occurrence of a repeating event."""
        with self.db.transaction() as session:
            event = _owned(session, user_id, event_id)
            if occurrence is None:
                journal.record(
                    session, user_id, ENTITY, event.id, "remove", journal.snapshot(event)
                )
                sent_by = outbox.record(session, event, "delete", self.clock.now())
                session.delete(event)
                said = f"Deleted event #{event_id} {event.title!r}."
            else:
                said = _cancel(session, event, occurrence)
                sent_by = outbox.record(session, event, "update", self.clock.now())
        self._written(sent_by)
        return said

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
                shown = _view(event, event.start_at, event.end_at)
            else:
                original = _occurrence_start(session, event, occurrence)
                change = _change_for(session, event, original)
                change.new_start, change.new_end = new_start, add_elapsed(new_start, length)
                shown = _view(event, new_start, add_elapsed(new_start, length), moved=True)
            sent_by = outbox.record(session, event, "update", self.clock.now())
        self._written(sent_by)
        return shown


def _cancel(session: Session, event: Event, occurrence: datetime) -> str:
    original = _occurrence_start(session, event, occurrence)
    change = _change_for(session, event, original)
    if change.cancelled:
        raise Invalid(
            f"The occurrence of {event.title!r} on {original.date()} is already cancelled."
        )
    change.cancelled, change.new_start, change.new_end = True, None, None
    return f"Cancelled the occurrence of {event.title!r} on {original.date()}."


def _candidates(session: Session, user_id: int, start: datetime, end: datetime) -> list[Event]:
    return list(
        session.scalars(
            select(Event).where(
                Event.user_id == user_id,
                or_(
                    Event.recurrence.is_not(None),
                    (Event.start_at < end) & ((Event.end_at > start) | (Event.start_at >= start)),
                ),
            )
        )
    )


def _expand(session: Session, event: Event, start: datetime, end: datetime) -> list[EventView]:
    if event.recurrence:
        local_start = event.start_at.astimezone(zone(event.timezone))
        recurrence.validate(event.recurrence, "event", local_start, reach=False)
    return occurrences.expand(event, _changes(session, event), start, end)


def _changes(session: Session, event: Event) -> list[EventException]:
    return list(session.scalars(select(EventException).where(EventException.event_id == event.id)))


def _change_for(session: Session, event: Event, original: datetime) -> EventException:
    """The stored change of one occurrence, or a new one (one row per occurrence)."""
    for change in _changes(session, event):
        if change.occurrence_start == original:
            return change
    change = EventException(event_id=event.id, occurrence_start=original, cancelled=False)
    session.add(change)
    return change


def _set_length(session: Session, event: Event, length: timedelta) -> None:
    """A new length for the event and every moved occurrence (each keeps its moved start)."""
    if length <= timedelta(0):
        raise Invalid("An event must last longer than zero minutes.")
    event.end_at = add_elapsed(event.start_at, length)
    for change in _changes(session, event):
        if change.new_start is not None:
            change.new_end = add_elapsed(change.new_start, length)


def _reason(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _occurrence_start(session: Session, event: Event, when: datetime) -> datetime:
    """The original start of the occurrence of `event` on the local day of `when`."""
    if not occurrences.is_series(event):
        raise Invalid(f"Event #{event.id} does not repeat; leave out --occurrence.")
    day = when.astimezone(zone(event.timezone)).date()
    start, end = day_bounds(day, event.timezone)
    for first, _ in occurrences.spans(event, start, end):
        if first >= start:
            return first
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
        recurrence.validate(new.recurrence, "event", new.start.astimezone(zone(tz)))


def _owned(session: Session, user_id: int, event_id: int) -> Event:
    event = session.get(Event, event_id)
    if event is None or event.user_id != user_id:
        raise NotFound(f"No event #{event_id}. See `aurelius cal agenda --week` for the ids.")
    return event


def _view(event: Event, start: datetime, end: datetime, moved: bool = False) -> EventView:
    shown = occurrences.view(event, start, end)
    return replace(shown, occurrence_moved=moved) if moved else shown
