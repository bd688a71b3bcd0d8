"""`aurelius remind …`: add, list, cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import confirm, context, render
from cli.app import group

if TYPE_CHECKING:
    from core.services.views import ReminderView

app = group(
    "Reminders: add, list, ack, snooze, cancel. `aurelius remind 'call mom in 2 hours'` adds one.",
    add_by_default=True,
)


@app.command("add")
def add(
    text: Annotated[str, typer.Argument(help="e.g. 'call mom in 2 hours'.")],
    at: Annotated[
        str | None, typer.Option("--at", help="When, if not in the text: '2026-12-01 10:00'.")
    ] = None,
    repeat: Annotated[
        str | None, typer.Option("--repeat", "-r", help="e.g. FREQ=DAILY or 'every monday'.")
    ] = None,
    task: Annotated[int | None, typer.Option(help="Attach to a task id.")] = None,
    event: Annotated[int | None, typer.Option(help="Attach to an event id.")] = None,
    ack: Annotated[
        bool, typer.Option("--ack", help="Needs acknowledging, else escalates.")
    ] = False,
    urgent: Annotated[bool, typer.Option("--urgent", help="Ignore quiet hours.")] = False,
    raw: Annotated[bool, typer.Option("--raw", help="Take the text literally.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    yes: confirm.Yes = False,
) -> None:
    """Schedule a reminder; the time can be part of the text (asked about when unsure)."""
    from core.services.capture import reminder_time

    literal = raw or at is not None
    read = context.slots(
        text,
        literal,
        remind_at=context.when(at) if at else None,
        recurrence=context.repeat(repeat),
    )
    confirm.ask(confirm.doubts(text, literal), lambda: f'Remind "{confirm.title(text, read)}" '
                f"on {render.when(reminder_time(read, context.timezone()))}?", yes)
    reminder = context.services().capture.reminder(
        context.user_id(),
        text,
        read,
        context.timezone(),
        task_id=task,
        event_id=event,
        requires_ack=ack,
        urgent=urgent,
    )
    if as_json:
        render.print_json(reminder)
    else:
        render.say(
            f"Reminder #{reminder.id} {reminder.title!r} at {render.when(reminder.remind_at)}."
        )


@app.command("list")
def list_(
    all_: Annotated[
        bool, typer.Option("--all", help="Include sent, missed, failed and cancelled.")
    ] = False,
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
        ([str(r.id), render.when(r.remind_at), r.title, _status(r)] for r in reminders),
        "No reminders scheduled.",
    )


def _status(reminder: ReminderView) -> str:
    detail = reminder.status_detail
    return f"{reminder.status}: {detail}" if detail else reminder.status


@app.command("cancel")
def cancel(reminder_id: int) -> None:
    """Cancel a scheduled reminder."""
    reminder = context.services().reminders.cancel(context.user_id(), reminder_id)
    render.say(f"Cancelled reminder #{reminder.id} {reminder.title!r}.")


@app.command("ack")
def ack(reminder_id: int) -> None:
    """Acknowledge a reminder: it stops escalating to your other channels."""
    count = context.services().deliveries.acknowledge(context.user_id(), reminder_id)
    render.say(f"Acknowledged reminder #{reminder_id} ({count} notification(s)).")


@app.command("snooze")
def snooze(
    reminder_id: int,
    delay: Annotated[str, typer.Option("--for", help="How long, e.g. 15m or 1h.")] = "10m",
) -> None:
    """Ring again later."""
    reminder = context.services().reminders.snooze(
        context.user_id(), reminder_id, context.duration(delay)
    )
    why = f" ({reminder.status_detail})" if reminder.status_detail else ""
    render.say(
        f"Snoozed #{reminder.id} {reminder.title!r} until {render.when(reminder.remind_at)}{why}."
    )
