"""The `aurelius` command. Command modules are imported here; their heavy work is lazy."""

from __future__ import annotations

import os
from contextlib import suppress
from functools import cache
from importlib import import_module
from typing import TYPE_CHECKING, Annotated


def _no_pydantic_plugins() -> None:
    # Pydantic looks for plugins in every installed package's metadata on first use (~20 ms on
    # each command); Aurelius uses none.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


_no_pydantic_plugins()

import typer  # noqa: E402

from cli import (  # noqa: E402
    accounts,
    ai,
    backup,
    bots,
    calendar,
    config,
    connections,
    doctor,
    jobs,
    mail,
    mail_triage,
    notify,
    parse,
    portable,
    reminders,
    tasks,
    warm,
)
from cli.app import group  # noqa: E402
from cli.connect import app as connect_app  # noqa: E402
from cli.sync import sync as sync_now  # noqa: E402

if TYPE_CHECKING:
    from typer._click import Command

# What commands import only when they run: the warm server loads it all once, before forking.
LAZY_MODULES = (
    "aurelius.bootstrap", "aurelius.migrate", "aurelius.adapters.clock", "aurelius.adapters.bus",
    "aurelius.adapters.local_queue", "aurelius.adapters.notifiers", "aurelius.workers.jobs",
    "core.nlu", "core.nlu.options", "core.services.tasks", "migrations",
    "sqlalchemy.dialects.sqlite.pysqlite", "sqlalchemy.dialects.postgresql.psycopg", "sqlite3",
    "pwd", "typer._adapters", "typer._click.decorators", "cli.tui",
)

app = group("Aurelius, your chief of staff: tasks, calendar, reminders, briefs and an assistant.")
app.add_typer(tasks.app, name="task")
app.add_typer(calendar.app, name="cal")
app.add_typer(reminders.app, name="remind")
app.add_typer(config.config_app, name="config")
app.add_typer(config.db_app, name="db")
app.add_typer(notify.app, name="notify")
app.add_typer(mail.app, name="mail")
app.add_typer(jobs.app, name="jobs")
app.command("parse")(parse.parse)
app.command("brief")(notify.brief)
for name, command in (("run", jobs.run), ("worker", jobs.worker), ("scheduler", jobs.scheduler)):
    app.command(name)(command)
app.command("ask")(ai.ask)
app.command("chat")(ai.chat)
app.command("usage")(ai.usage)
app.command("sync")(sync_now)
app.add_typer(connect_app, name="connect")
app.add_typer(bots.bot_app, name="bot")
app.add_typer(bots.link_app, name="link")
app.add_typer(warm.app, name="warm")
app.command("serve")(bots.serve)
app.command("connections")(connections.connections)
app.command("disconnect")(connections.disconnect)
app.add_typer(connections.keys_app, name="keys")
app.add_typer(backup.app, name="backup")
app.command("restore")(backup.restore)
app.command("export")(portable.export)
app.command("import")(portable.import_)
app.command("doctor")(doctor.doctor)
app.add_typer(accounts.token_app, name="token")
app.add_typer(accounts.admin_app, name="admin")
app.add_typer(mail.app, name="mail")
mail.app.command("triage")(mail_triage.triage)


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


@cache
def click_tree() -> Command:
    """The Click command tree, built once per process (Typer would rebuild it on every call)."""
    return typer.main.get_command(app)


def warm_up() -> None:
    """Everything a command may need, loaded without building settings, services or threads."""
    from sqlalchemy.orm import configure_mappers

    for name in LAZY_MODULES:
        with suppress(ImportError):  # an optional extra that is not installed
            import_module(name)
    configure_mappers()
    click_tree()


def run() -> None:
    """The one entry point: in this process, or in a child of the warm server."""
    import sys

    _no_pydantic_plugins()
    # `aurelius` alone in an interactive terminal opens the TUI; piped or scripted, it helps.
    interactive = len(sys.argv) == 1 and sys.stdin.isatty() and sys.stdout.isatty()
    click_tree().main(["tui"] if interactive else None, prog_name="aurelius")
