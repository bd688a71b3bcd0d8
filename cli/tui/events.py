"""Calendar forms: new, edit, move (this occurrence or all), delete (this occurrence or all)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cli.tui.forms import Field, FormScreen, Reader

if TYPE_CHECKING:
    from cli.tui.actions import Actions
    from core.services.views import EventView

Callback = Callable[[dict[str, Any] | None], None]
THIS_OR_ALL = [("this", "This occurrence"), ("all", "All occurrences")]


def new_event_form(app: Actions, reader: Reader) -> tuple[FormScreen, Callback]:
    fields = [
        Field("title", "Title", "", "Lunch with Sara"),
        Field("start", "Starts", "", "friday 13:00"),
        Field("duration", "Lasts", "1h", "45m, 1h30m"),
        Field("repeat", "Repeats (optional)", "", "every monday"),
    ]

    def check(texts: dict[str, str]) -> dict[str, Any]:
        from core.nlu.options import parse_recurrence
        from core.services.calendars import NewEvent
        from core.timeutil import add_elapsed

        if not texts["title"].strip():
            raise ValueError("An event needs a title.")
        start = reader.instant(texts["start"], "The start")
        end = add_elapsed(start, reader.duration(texts["duration"]))
        rule = (
            parse_recurrence(texts["repeat"], reader.now, reader.tz)
            if texts["repeat"].strip()
            else None
        )
        return {"new": NewEvent(texts["title"], start, end, recurrence=rule)}

    def save(values: dict[str, Any] | None) -> None:
        if values is not None:
            app.perform(lambda: _added(app.services.calendar.add(app.user_id, values["new"])))

    return FormScreen("New event", fields, check), save


def move_event_form(app: Actions, reader: Reader, event: EventView) -> tuple[FormScreen, Callback]:
    start_text = event.start.strftime("%Y-%m-%d %H:%M")
    fields = [Field("start", f"New start for “{event.title}”", start_text, "friday 14:00")]

    def check(texts: dict[str, str]) -> dict[str, Any]:
        return {"start": reader.instant(texts["start"], "The new start")}

    def save(values: dict[str, Any] | None) -> None:
        if values is not None:
            move_or_ask(app, event, values["start"])

    return FormScreen("Move event", fields, check), save


def edit_event_form(app: Actions, reader: Reader, event: EventView) -> tuple[FormScreen, Callback]:
    """Title, place and length apply to every occurrence; a new start asks this or all."""
    from core.timeutil import elapsed, format_duration

    start_text = event.start.strftime("%Y-%m-%d %H:%M")
    fields = [
        Field("title", "Title", event.title, "Lunch with Sara"),
        Field("location", "Location", event.location or "", "Main St 4"),
        Field("start", "Starts", start_text, "friday 14:00"),
        Field("duration", "Lasts", format_duration(elapsed(event.start, event.end)), "45m"),
    ]

    def check(texts: dict[str, str]) -> dict[str, Any]:
        if not texts["title"].strip():
            raise ValueError("An event needs a title.")
        start = reader.instant(texts["start"], "The start")
        return {
            "title": texts["title"],
            "location": texts["location"],
            "start": start,
            "length": reader.duration(texts["duration"]),
        }

    def save(values: dict[str, Any] | None) -> None:
        if values is None:
            return
        start = values.pop("start")
        app.perform(lambda: _edited(app.services.calendar.edit(app.user_id, event.id, **values)))
        if start != event.start:
            move_or_ask(app, event, start)

    return FormScreen("Edit event", fields, check), save


def move_or_ask(app: Actions, event: EventView, start: datetime) -> None:
    if not event.recurrence:
        _move(app, event, None, start)
        return
    app.ask_choice(
        f"Move “{event.title}”: which occurrences?",
        THIS_OR_ALL,
        lambda key: _move(app, event, event.start if key == "this" else None, start),
    )


def delete_event(app: Actions, event: EventView) -> None:
    def remove(occurrence: datetime | None) -> None:
        app.perform(lambda: app.services.calendar.remove(app.user_id, event.id, occurrence))

    if not event.recurrence:
        app.ask_choice(f"Delete “{event.title}”?", [("yes", "Delete")], lambda _: remove(None))
        return
    app.ask_choice(
        f"Delete “{event.title}”: which occurrences?",
        THIS_OR_ALL,
        lambda key: remove(event.start if key == "this" else None),
    )


def _move(app: Actions, event: EventView, occurrence: datetime | None, start: datetime) -> None:
    app.perform(
        lambda: _moved(app.services.calendar.move(app.user_id, event.id, occurrence, start))
    )


def _added(event: EventView) -> str:
    return f"Added event #{event.id} {event.title}"


def _edited(event: EventView) -> str:
    return f"Updated event #{event.id} {event.title}"


def _moved(event: EventView) -> str:
    return f"Moved #{event.id} {event.title} to {event.start:%a %d %b %H:%M}"
