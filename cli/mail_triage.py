"""`aurelius mail triage [ID CATEGORY]`: the inbox by what it needs from you, and corrections
that teach Aurelius a sender."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import context, render
from cli.app import fail

if TYPE_CHECKING:
    from core.services.triage_views import TriageItem

SHOWN = 10  # per group; --json gives them all


def triage(
    message_id: Annotated[int | None, typer.Argument(help="A message id, to file it.")] = None,
    category: Annotated[
        str | None,
        typer.Argument(help="needs_reply, waiting, fyi, newsletter, receipt, notification "
                            "or cold_outreach."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False,
) -> None:
    """The triaged inbox; with ID CATEGORY, a correction Aurelius learns the sender from."""
    services, user = context.services(), context.user_id()
    if message_id is None:
        _show(services.triage.inbox(user), as_json)
        return
    if category is None:
        fail(f"Say what message #{message_id} is, e.g. `aurelius mail triage {message_id} "
             "newsletter`.")
        return
    done = services.triage.correct(user, message_id, category.strip().lower())
    if as_json:
        render.print_raw({"id": done.message_id, "category": done.category,
                          "learned_sender": done.sender, "refiled": done.refiled})
        return
    render.say(done.line())


def _show(groups: dict[str, list[TriageItem]], as_json: bool) -> None:
    from core.services.triage_views import GROUPS

    if as_json:
        render.print_raw({name: [entry.to_json() for entry in items]
                          for name, items in groups.items()})
        return
    if not any(groups.values()):
        render.say("No triaged mail yet: `aurelius mail sync` fetches it.")
        return
    for name, items in groups.items():
        if items:
            render.say(f"{GROUPS[name]} ({len(items)})")
            for entry in items[:SHOWN]:
                render.say(_line(entry))
            if len(items) > SHOWN:
                render.say(f"  … and {len(items) - SHOWN} more (--json lists them all)")


def _line(entry: TriageItem) -> str:
    return (f"  #{entry.id}  {render.when(entry.date)}  {entry.counterpart} — {entry.summary}"
            f"  [{entry.category_source}: {entry.category_reason}]")
