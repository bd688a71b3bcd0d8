"""`aurelius sync [ID] [--full]`: pull linked calendars and push pending writes now."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import context, render
from cli.app import fail

if TYPE_CHECKING:
    from aurelius.bootstrap import Services


def sync(
    connection_id: Annotated[
        int | None, typer.Argument(help="One connection (see `aurelius connections`).")
    ] = None,
    full: Annotated[bool, typer.Option("--full", help="Ignore the sync cursors.")] = False,
) -> None:
    """Pull every linked calendar (and send pending writes) now; one line per connection."""
    services, user = context.services(), context.user_id()
    ids = services.sync.connections(user)
    if connection_id is not None:
        if connection_id not in ids:
            fail(f"No connection #{connection_id} to sync. See `aurelius connections`.")
        ids = [connection_id]
    if not ids:
        fail("No linked account to sync. Link one with `aurelius connect caldav URL`.")
    failed = False
    for one in ids:
        report = services.sync.sync_connection(one, full)
        render.say(report.line())
        for line in report.skipped + report.conflicts:
            render.say(f"  {line}")
        failed = failed or report.error is not None
    if failed:
        raise typer.Exit(1)


def send_pending(services: Services, user_id: int) -> None:
    """After a change in a linked calendar: send it now, or say that it waits."""
    for connection_id in services.sync.connections(user_id):
        if not services.sync.waiting(connection_id):
            continue
        report = services.sync.push_report(connection_id)
        for line in report.conflicts:
            render.say(line)
        left = services.sync.waiting(connection_id, due_only=False)
        if left:
            render.say(
                f"{left} change(s) wait to be sent to connection #{connection_id}; "
                "they are retried automatically (`aurelius sync` tries now)."
            )
