"""`aurelius export [--user U] --to FILE.json` and `aurelius import FILE.json`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated

import typer

from cli import context, render
from cli.app import fail


def export(
    to: Annotated[Path, typer.Option("--to", help="The JSON file to write.")],
    user: Annotated[str | None, typer.Option(
        "--user", help="A user's name or id (default: you).")] = None,
) -> None:
    """Everything of one person as one JSON document (no credentials, no linked accounts)."""
    from core.services.portable import Portable, find_user

    services = context.services()
    user_id = find_user(services.db, user) if user else context.user_id()
    document = Portable(services.db).export(user_id, context.now())
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    try:
        to.write_text(text, encoding="utf-8")
    except OSError as error:
        fail(f"Cannot write {to}: {error.strerror or error}.")
    render.say(f"Exported {_counted(document)} to {to}.")


def import_(
    file: Annotated[Path, typer.Argument(help="A file made by `aurelius export`.")],
) -> None:
    """Add an export's data to yours; importing the same file again changes nothing."""
    from core.services.portable import Portable

    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except OSError as error:
        fail(f"Cannot read {file}: {error.strerror or error}.")
    except ValueError:
        fail(f"{file} is not JSON; give a file made by `aurelius export`.")
    services = context.services()
    added = Portable(services.db).import_(context.user_id(), document)
    render.say(f"Imported {_counted(added)}." if any(added.values())
               else "Nothing new to import: it is all here already.")


def _counted(counts: Mapping[str, object]) -> str:
    """How many of each kind: `counts` holds numbers (an import) or lists (an export)."""
    kinds = ("tasks", "events", "reminders", "notification_channels", "usage")
    sizes = {kind: value if isinstance(value, int) else len(value)  # type: ignore[arg-type]
             for kind, value in counts.items() if kind in kinds}
    return ", ".join(f"{sizes[kind]} {kind.replace('_', ' ')}" for kind in kinds if kind in sizes)
