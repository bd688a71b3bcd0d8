"""`aurelius remind …`: add, list, cancel."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import context, render
from cli.app import group

app = group("Reminders: add, list, cancel.")


@app.command("add")
def add(
    text: str,
    at: Annotated[str, typer.Option("--at", help="When, e.g. '2026-12-01 10:00'.")],
    repeat: Annotated[
        str | None, typer.Option("--repeat", "-r", help="RRULE for repeating reminders.")
    ] = None,
    task: Annotated[int | None, typer.Option(help="Attach to a task id.")] = None,
    event: Annotated[int | None, typer.Option(help="Attach to an event id.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Schedule a reminder."""
    reminder = context.services().reminders.add(
        context.user_id(),
        text,
        context.instant(at),
        recurrence_rule=context.repeat(repeat),
        task_id=task,
        event_id=event,
    )
    if as_json:
        render.print_json(reminder)
    else:
        render.say(
            f"Reminder #{reminder.id} {reminder.title!r} at {render.when(reminder.remind_at)}."
        )


@app.command("list")
def list_(
    all_: Annotated[bool, typer.Option("--all", help="Include sent and cancelled.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Scheduled reminders, soonest first."""
    reminders = context.services().reminders.upcoming(context.user_id(), include_past=all_)
    if as_json:
        render.print_json(reminders)
        return
    render.table(
        f"Reminders ({context.timezone()})",
        ["ID", "When", "Text", "Status"],
        ([str(r.id), render.when(r.remind_at), r.title, r.status] for r in reminders),
        "No reminders scheduled.",
    )


@app.command("cancel")
def cancel(reminder_id: int) -> None:
    """Cancel a scheduled reminder."""
    reminder = context.services().reminders.cancel(context.user_id(), reminder_id)
    render.say(f"Cancelled reminder #{reminder.id} {reminder.title!r}.")
