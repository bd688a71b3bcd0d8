"""`aurelius ask`, `aurelius chat` and `aurelius usage`: the assistant in the terminal."""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli import context, render

if TYPE_CHECKING:
    from core.ai.assistant import Reply
    from core.ai.report import Group

EXIT_WORDS = {"exit", "quit", "bye", ":q"}
DEFAULT_DAYS = 7  # without --month, `usage` shows the last week


def ask(
    text: Annotated[str, typer.Argument(help="e.g. 'what is on my calendar tomorrow?'")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the reply as JSON.")] = False,
) -> None:
    """Ask the assistant once; without an API key, requests it understands run offline."""
    reply = context.services().ai.assistant.ask(context.user_id(), text)
    if as_json:
        render.print_raw(_reply_json(reply))
        return
    _notices(reply)
    render.say(reply.text)
    _actions(reply)


def chat() -> None:
    """A conversation in the terminal; replies stream as they are written. Ctrl-D or 'exit'
    ends it."""
    services, user = context.services(), context.user_id()
    interactive = sys.stdin.isatty()
    while True:
        if interactive:
            sys.stdout.write("you> ")
            sys.stdout.flush()
        line = sys.stdin.readline()
        if not line or line.strip().lower() in EXIT_WORDS:
            break
        if line.strip():
            _turn(services.ai.assistant, user, line.strip())


def _turn(assistant: Any, user: int, text: str) -> None:
    from core.errors import UserError

    sys.stdout.write("aurelius> ")
    streamed: list[str] = []
    try:
        reply = assistant.ask(user, text, on_text=lambda piece: _show(piece, streamed))
    except UserError as error:  # a refused request does not end the conversation
        render.say(f"\n{error}")
        return
    if not streamed:
        render.write(reply.text)
    sys.stdout.write("\n")
    _notices(reply)
    _actions(reply)


def _show(piece: str, streamed: list[str]) -> None:
    streamed.append(piece)
    render.write(piece)
    sys.stdout.flush()


def _notices(reply: Reply) -> None:
    for notice in reply.notices:
        render.say(f"Note: {notice}")


def _actions(reply: Reply) -> None:
    if reply.actions == ["yes", "no"]:
        render.say("Confirm with `aurelius ask yes`, or cancel with `aurelius ask no`.")
    elif "yes" in reply.actions:
        render.say("Confirm with `aurelius ask yes`, or `aurelius ask edit` to say it again.")


def _reply_json(reply: Reply) -> dict[str, Any]:
    from dataclasses import asdict

    return asdict(reply)


def usage(
    month: Annotated[bool, typer.Option("--month", help="This calendar month.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the records as JSON.")] = False,
    egress: Annotated[
        bool, typer.Option("--egress", help="Which personal data went to which provider.")
    ] = False,
) -> None:
    """Tokens, cost and requests by day, model and use case, against your plan's budget."""
    from core.ai.metering import month_start

    services, user = context.services(), context.user_id()
    now = services.clock.now()
    since = month_start(now) if month else now - timedelta(days=DEFAULT_DAYS)
    if egress:
        _egress(services, user, since, as_json)
        return
    records = services.ai.meter.records(user, since)
    if as_json:
        from core.ai.report import usage_json

        sys.stdout.write(json.dumps([usage_json(r) for r in records], indent=2) + "\n")
        return
    _usage_tables(services, user, records, "this month" if month else "the last 7 days")


def _usage_tables(services: Any, user: int, records: list[Any], period: str) -> None:
    from core.ai.report import by_day, by_model, by_use_case, group_by

    plan, standing = services.ai.config.plan, services.ai.meter.standing(user)
    budget = plan.monthly_budget_usd
    share = standing.spend_this_month / budget if budget else 0.0
    render.say(
        f"Plan {plan.name}: ${standing.spend_this_month:.4f} of ${budget:.2f} this month "
        f"({share:.0%}); {standing.requests_today} of {plan.daily_requests} AI requests "
        "in the last 24 hours."
    )
    for title, key in (("day", by_day(context.timezone())), ("model", by_model),
                       ("use case", by_use_case)):
        _group_table(f"By {title}, {period}", title.capitalize(), group_by(records, key))


def _group_table(title: str, first: str, groups: list[Group]) -> None:
    render.table(
        title,
        [first, "Requests", "Input", "Output", "Cache read", "Cost $"],
        ([g.key, str(g.requests), str(g.input_tokens), str(g.output_tokens),
          str(g.cache_read_tokens), f"{g.cost_usd:.4f}"] for g in groups),
        "No AI requests yet.",
    )


def _egress(services: Any, user: int, since: Any, as_json: bool) -> None:
    from core.ai.report import egress_json

    records = services.ai.meter.egress(user, since)
    if as_json:
        sys.stdout.write(json.dumps([egress_json(r) for r in records], indent=2) + "\n")
        return
    render.table(
        "Personal data sent to AI providers",
        ["When", "Provider", "Model", "Data"],
        ([render.when(r.created_at), r.provider, r.model, ", ".join(r.data_kinds)]
         for r in records),
        "No personal data has left this machine.",
    )
