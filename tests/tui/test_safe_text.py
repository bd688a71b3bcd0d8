"""The TUI shows stored text as typed: control characters escaped in the tables, Rich
markup in a title shown literally (and never breaking a notification)."""

from __future__ import annotations

from aurelius.bootstrap import Services
from cli.tui.panels import TaskTable
from tests.tui.conftest import run, started, until
from tests.tui.test_pilot import MakeApp

HOSTILE = "rent\x1b]0;owned\x07\x9b2J [red]loud[/] [/]"


def test_hostile_titles_are_escaped_in_tables_and_notifications(
        make_app: MakeApp, services: Services, user_id: int) -> None:
    task = services.tasks.add(user_id, HOSTILE)

    async def scenario() -> None:
        async with started(make_app) as (app, pilot):
            table = app.query_one(TaskTable)
            cell = str(table.get_row_at(0)[2])
            assert cell == "rent\\u001b]0;owned\\u0007\\u009b2J [red]loud[/] [/]"
            table.focus()
            await pilot.press("x")  # complete: the notification quotes the title
            await until(pilot, lambda: services.tasks.get(user_id, task.id).status == "done")
            await until(pilot, lambda: bool(app._notifications))
            shown = " ".join(str(n.message) for n in app._notifications)
            assert "[red]loud[/]" in shown.replace("\\[", "[") and "\x1b" not in shown

    run(scenario())
