"""The `aurelius` command. Command modules are imported here; their heavy work is lazy."""

from __future__ import annotations

import os
from typing import Annotated

# Pydantic looks for plugins in every installed package's metadata on first use (~20 ms on
# each command); Aurelius uses none.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

import typer

from cli import ai, bots, calendar, config, jobs, notify, parse, reminders, tasks
from cli.app import group

app = group("Aurelius, your chief of staff: tasks, calendar, reminders, briefs and an assistant.")
app.add_typer(tasks.app, name="task")
app.add_typer(calendar.app, name="cal")
app.add_typer(reminders.app, name="remind")
app.add_typer(config.config_app, name="config")
app.add_typer(config.db_app, name="db")
app.add_typer(notify.app, name="notify")
app.add_typer(jobs.app, name="jobs")
app.command("parse")(parse.parse)
app.command("brief")(notify.brief)
for name, command in (("run", jobs.run), ("worker", jobs.worker), ("scheduler", jobs.scheduler)):
    app.command(name)(command)
app.command("ask")(ai.ask)
app.command("chat")(ai.chat)
app.command("usage")(ai.usage)
app.add_typer(bots.bot_app, name="bot")
app.add_typer(bots.link_app, name="link")
app.command("serve")(bots.serve)


def _version(value: bool) -> None:
    if value:
        from aurelius import __version__

        typer.echo(f"aurelius {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Aurelius, your digital chief of staff."""


@app.command("tui")
def tui() -> None:
    """Open the terminal UI: today's agenda, tasks, reminders, quick add and chat."""
    from cli.tui import create_app  # Textual loads only here, keeping other commands fast

    create_app().run()


def run() -> None:
    import sys

    # `aurelius` alone in an interactive terminal opens the TUI; piped or scripted, it helps.
    interactive = len(sys.argv) == 1 and sys.stdin.isatty() and sys.stdout.isatty()
    app(["tui"] if interactive else None, prog_name="aurelius")
