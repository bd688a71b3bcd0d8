"""`aurelius cal …`: add, agenda, free, calendars, import, export, rm, move, edit.

A change to an event of a linked calendar is sent to its provider right away; when the
provider cannot be reached it waits in the outbox and is retried."""

from __future__ import annotations

import sys
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import confirm, context, render
from cli.app import group

if TYPE_CHECKING:
    from core.services.calendars import SkippedEvent
    from core.services.views import EventView

app = group("Calendar: events, agenda, free time, iCalendar import and export.")
Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
Occurrence = Annotated[
    str | None, typer.Option(help="Only the occurrence on this date (repeating events).")
]


@app.command("add")
def add(
    title: Annotated[str, typer.Argument(help="e.g. 'lunch with Sara friday 1pm for 90 minutes'.")],
    start: Annotated[
        str | None, typer.Option("--start", "-s", help="Start, if not in the text.")
    ] = None,
    duration: Annotated[
        str | None, typer.Option("--duration", "-D", help="Length, e.g. 45m or 1h30m.")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--end", "-e", help="End time instead of a duration.")
    ] = None,
    location: Annotated[str | None, typer.Option("--location", "-l")] = None,
    attendee: Annotated[
        list[str] | None, typer.Option("--attendee", "-a", help="Repeat for more.")
    ] = None,
    repeat: Annotated[
        str | None,
        typer.Option("--repeat", "-r", help="e.g. FREQ=WEEKLY;BYDAY=MO or 'every monday'."),
    ] = None,
    raw: Annotated[bool, typer.Option("--raw", help="Take the title literally.")] = False,
    calendar: Annotated[
        str | None,
        typer.Option("--calendar", "-c", help="Calendar name or id (see `cal calendars`)."),
    ] = None,
    as_json: Json = False,
    yes: confirm.Yes = False,
) -> None:
    """Add an event; a time in the text is understood, a bare date makes it all-day."""
    from core.services.capture import event_times

    literal = raw or start is not None
    read = context.slots(
        title,
        literal,
        start=context.when(start) if start else None,
        end=context.instant(end) if end else None,
        location=location,
        duration_minutes=context.duration(duration) // timedelta(minutes=1) if duration else None,
        attendees=tuple(attendee) if attendee else None,
        recurrence=context.repeat(repeat),
    )
    confirm.ask(confirm.doubts(title, literal), lambda: f'Add event "{confirm.title(title, read)}" '
                f"at {render.when(event_times(read, context.timezone())[0])}?", yes)
    services = context.services()
    event = services.capture.event(context.user_id(), title, read, context.timezone(), calendar)
    _send()
    if as_json:
        render.print_json(event)
    else:
        render.say(
            f"Added #{event.id} {event.title}: {_span(event)}"
            + (f", repeats {event.recurrence}" if event.recurrence else "")
            + "."
        )


@app.command("agenda")
def agenda(
    day: Annotated[bool, typer.Option("--day", help="One day.")] = False,
    week: Annotated[bool, typer.Option("--week", help="The Monday-to-Sunday week.")] = False,
    on: Annotated[
        str | None, typer.Option("--on", "--date", help="Which day (default today).")
    ] = None,
    as_json: Json = False,
) -> None:
    """Upcoming events: the next 7 days, one day (--day or --on DATE) or a week (--week)."""
    from core.timeutil import day_bounds

    first = context.day(on)
    if week:
        first -= timedelta(days=first.weekday())
    last = first + timedelta(days=0 if day or (on and not week) else 6)
    start, _ = day_bounds(first, context.timezone())
    _, end = day_bounds(last, context.timezone())
    found = context.services().calendar.agenda_report(context.user_id(), start, end)
    _warn_skipped(found.skipped)
    events = found.events
    if as_json:
        render.print_json(events)
        return
    render.table(
        f"Agenda {render.when(first)} – {render.when(last)} ({context.timezone()})",
        ["ID", "When", "Title", "Location"],
        (
            [
                str(e.id),
                _span(e, zone=False),
                e.title + (" ↻" if e.recurrence else ""),
                e.location or "",
            ]
            for e in events
        ),
        "Nothing on the calendar.",
    )


@app.command("free")
def free(
    on: Annotated[str | None, typer.Option("--on", help="Day to search (default today).")] = None,
    minimum: Annotated[str, typer.Option("--min", help="Shortest useful slot, e.g. 60m.")] = "30m",
    as_json: Json = False,
) -> None:
    """Free slots within working hours."""
    target = context.day(on)
    slots = context.services().calendar.free(context.user_id(), target, context.duration(minimum))
    if as_json:
        render.print_json(slots)
        return
    render.table(
        f"Free on {render.when(target)} ({context.timezone()})",
        ["From", "To", "Length"],
        ([render.clock(s.start), render.clock(s.end), f"{s.minutes} min"] for s in slots),
        "No free slot that long in working hours.",
    )


@app.command("import")
def import_(
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    as_json: Json = False,
) -> None:
    """Import an .ics file (events matched by UID, so re-importing is safe)."""
    report = context.services().calendar_files.import_ics(context.user_id(), path.read_bytes())
    if as_json:
        from dataclasses import asdict

        render.print_raw(asdict(report))
        return
    render.say(f"Imported {path.name}: {report.summary()}.")
    for note in report.skipped:
        render.say(f"  skipped {note.uid}: {note.reason}")
    for note in report.adjusted:
        render.say(f"  adjusted {note.uid}: {note.reason}")


@app.command("export")
def export(
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File (default stdout).")
    ] = None,
) -> None:
    """Export every event as iCalendar."""
    data, failed = context.services().calendar_files.export_report(context.user_id())
    for note in failed:
        typer.echo(f"Left out {note.uid}: {note.reason}", err=True)
    if output:
        output.write_bytes(data)
    else:
        sys.stdout.buffer.write(data)


@app.command("rm")
def remove(event_id: int, occurrence: Occurrence = None) -> None:
    """Delete an event, or cancel one occurrence of a repeating one."""
    when = context.instant(occurrence) if occurrence else None
    render.say(context.services().calendar.remove(context.user_id(), event_id, when))
    _send()


@app.command("move")
def move(
    event_id: int,
    to: Annotated[str, typer.Option("--to", help="New start time.")],
    occurrence: Occurrence = None,
) -> None:
    """Move an event (or one occurrence), keeping its length."""
    when = context.instant(occurrence) if occurrence else None
    event = context.services().calendar.move(context.user_id(), event_id, when, context.instant(to))
    _send()
    render.say(f"Moved #{event.id} {event.title} to {_span(event)}.")


@app.command("edit")
def edit(
    event_id: int,
    title: Annotated[str | None, typer.Option(help="New title.")] = None,
    location: Annotated[str | None, typer.Option(help="New location ('' clears it).")] = None,
    duration: Annotated[str | None, typer.Option("--duration", "-D", help="New length.")] = None,
    as_json: Json = False,
) -> None:
    """Change an event's title, location or length (every occurrence; `move` changes times)."""
    event = context.services().calendar.edit(
        context.user_id(),
        event_id,
        title=title,
        location=location,
        length=context.duration(duration) if duration else None,
    )
    _send()
    if as_json:
        render.print_json(event)
    else:
        render.say(
            f"Updated #{event.id} {event.title}: {_span(event)}"
            + (f" @ {event.location}" if event.location else "")
            + "."
        )


@app.command("calendars")
def calendars(as_json: Json = False) -> None:
    """Every calendar, local and linked: read-only or writable, and the default for new events."""
    found = context.services().calendar.calendars(context.user_id())
    if as_json:
        render.print_json(found)
        return
    render.table(
        "Calendars",
        ["ID", "Name", "Provider", "Account", "Access", "Default"],
        (
            [
                "" if c.id is None else str(c.id),
                c.name,
                c.provider,
                c.account or "",
                "writable" if c.writable else "read-only",
                "default" if c.default else "",
            ]
            for c in found
        ),
        "No calendars.",
    )


def _send() -> None:
    """Send now what a change put in the outbox (nothing, for a local event)."""
    from cli.sync import send_pending

    send_pending(context.services(), context.user_id())


def _warn_skipped(skipped: list[SkippedEvent]) -> None:
    for item in skipped:
        typer.echo(item.line(), err=True)


def _span(event: EventView, zone: bool = True) -> str:
    if event.all_day:
        return render.when(event.start.date()) + " (all day)"
    start, end = render.when(event.start, zone=False), render.when(event.end, zone=False)
    if start.rsplit(" ", 1)[0] == end.rsplit(" ", 1)[0]:  # same local day: only the end time
        end = render.clock(event.end)
    return f"{start} – {end}" + (f" {context.timezone()}" if zone else "")
