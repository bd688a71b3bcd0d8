"""`aurelius notify …` and `aurelius brief`: channels, quiet hours, test sends, the brief."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import context, render
from cli.app import group
from core.redaction import mask_credentials, shorten

app = group("Notification channels (in escalation order), quiet hours and test sends.")


@app.command("channels")
def channels(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Your channels in the order reminders escalate through them."""
    found = context.services().channels.list(context.user_id())
    if as_json:
        render.print_raw([c.__dict__ for c in found])
        return
    render.table(
        "Channels (reminders escalate down this list)",
        ["ID", "Kind", "Target"],
        ([str(c.id), c.kind, c.target] for c in found),
        "No channels yet: notifications go to the terminal running `aurelius run`"
        + (
            " and the configured webhook."
            if context.services().settings.notify_webhook_url
            else "."
        )
        + " Add one with `aurelius notify add webhook URL`.",
    )


@app.command("add")
def add(
    kind: Annotated[str, typer.Argument(help="terminal, webhook, email, telegram or slack")],
    target: Annotated[str, typer.Argument(help="URL, address or chat id")] = "",
) -> None:
    """Add a channel at the end of your list."""
    channel = context.services().channels.add(context.user_id(), kind, target)
    render.say(f"Added channel #{channel.id}: {channel.kind} {channel.target}".rstrip() + ".")


@app.command("rm")
def remove(channel_id: int) -> None:
    """Remove a channel."""
    context.services().channels.remove(context.user_id(), channel_id)
    render.say(f"Removed channel #{channel_id}.")


@app.command("quiet")
def quiet(
    start: Annotated[str, typer.Argument(help="e.g. 22:00, or 'off'")],
    end: Annotated[str | None, typer.Argument(help="e.g. 07:00")] = None,
) -> None:
    """Hold non-urgent notifications during quiet hours (local time)."""
    off = start.lower() == "off"
    if not off and end is None:
        raise typer.BadParameter("give both ends, e.g. `aurelius notify quiet 22:00 07:00`")
    context.services().channels.set_quiet_hours(
        context.user_id(), None if off else start, None if off else end
    )
    render.say(
        "Quiet hours off." if off else f"Quiet from {start} to {end} ({context.timezone()})."
    )


@app.command("test")
def test(
    kind: Annotated[str, typer.Argument(help="Channel kind, e.g. webhook or terminal")],
    target: Annotated[str, typer.Argument(help="Override the target")] = "",
) -> None:
    """Send a test notification through one channel now."""
    from core.errors import ProviderUnavailable
    from core.ports import Address, Note

    services = context.services()
    notifier = services.notifiers.get(kind)
    if notifier is None:
        raise typer.BadParameter(
            f"no sender for {kind!r}; available: {', '.join(services.notifiers)}"
        )
    configured = {c.kind: c.target for c in services.channels.list(context.user_id())}
    note = Note(
        title="Aurelius test notification", body="If you can read this, it works.", kind="test"
    )
    try:
        notifier.send(Address(kind, target or configured.get(kind, "")), note)
    except Exception as error:  # any channel failure: one line saying what failed, no traceback
        reason = shorten(mask_credentials(str(getattr(error, "reason", error))), 200)
        raise ProviderUnavailable(
            f"The {kind} channel did not take the test ({reason}); "
            "check its target and that the service is up, then try again."
        ) from None
    render.say(f"Sent a test notification via {kind}.")


def brief(
    on: Annotated[str | None, typer.Option("--date", help="Which day, e.g. tomorrow.")] = None,
    at: Annotated[
        str | None, typer.Option("--at", help="Send it daily at this local time; 'off' stops.")
    ] = None,
) -> None:
    """Today's brief: agenda and conflicts, overdue and due tasks, the most urgent, reminders."""
    from core.services.briefings import render as brief_text

    services = context.services()
    if at is not None:
        services.channels.set_brief_time(context.user_id(), None if at == "off" else at)
        render.say(
            "Daily brief off." if at == "off" else f"Daily brief at {at} ({context.timezone()})."
        )
        return
    render.say(brief_text(services.briefings.build(context.user_id(), context.day(on))))
