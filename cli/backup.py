"""`aurelius backup [--to FILE]`, `backup list`, `backup prune` and `aurelius restore FILE`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import render
from cli.app import group
from cli.confirm import proceed

if TYPE_CHECKING:
    from aurelius.backup.service import Backups

app = group("Back up the database: a consistent copy while Aurelius runs.")
# `aurelius backup` alone backs up; `backup list|prune` are its subcommands.
app.info.invoke_without_command, app.info.no_args_is_help = True, False


def _backups() -> Backups:
    from aurelius.backup.service import Backups
    from aurelius.settings import load_settings

    return Backups(load_settings())


@app.callback()
def backup(
    ctx: typer.Context,
    to: Annotated[Path | None, typer.Option(
        "--to", help="Write the backup to this file (default: a dated file in the backup dir)."
    )] = None,
) -> None:
    """Back up now; encrypted with AURELIUS_ENCRYPTION_KEYS when that is set."""
    if ctx.invoked_subcommand is not None:
        return
    path, manifest = _backups().create(to)
    how = "encrypted" if manifest.encrypted else "not encrypted"
    render.say(f"Backed up to {path} ({_size(manifest.size)}, schema {manifest.schema_revision}, "
               f"{how}, sha256 {manifest.sha256[:12]}).")


@app.command("list")
def list_() -> None:
    """Scheduled backups in the backup dir, oldest first, each verified."""
    backups = _backups()
    listed = backups.listed()
    if not listed:
        render.say(f"No backups in {backups.folder} yet; `aurelius backup` makes one.")
    for item in listed:
        manifest = item.manifest
        if manifest is None:
            render.say(f"{item.path.name}  DAMAGED: {item.problem}")
            continue
        lock = "encrypted" if manifest.encrypted else "plain"
        render.say(f"{item.path.name}  {_moment(manifest.created_at)}  {manifest.database}  schema "
                   f"{manifest.schema_revision}  {_size(manifest.size)}  {lock}  ok")


@app.command("prune")
def prune() -> None:
    """Delete scheduled backups beyond AURELIUS_BACKUP_KEEP_DAILY / _KEEP_WEEKLY."""
    removed = _backups().prune()
    render.say(f"Removed {len(removed)} backup(s)." if removed else "Nothing to remove.")
    for path in removed:
        render.say(f"  {path.name}")


def restore(
    file: Annotated[Path, typer.Argument(help="A file made by `aurelius backup`.")],
    yes: Annotated[bool, typer.Option(
        "--yes", "-y", help="Replace the current data without asking.")] = False,
) -> None:
    """Restore a backup: verified first, migrated forward, swapped in all at once."""
    backups = _backups()
    manifest, holds_data = backups.check(file)
    if holds_data:
        proceed(f"The database already holds data. Replace ALL of it with the backup of "
                f"{_moment(manifest.created_at)}?", yes,
                "Nothing restored; add --yes to replace the current data.")
    backups.restore(file)
    render.say(f"Restored the backup of {_moment(manifest.created_at)} (schema "
               f"{manifest.schema_revision}).")


def _moment(created_at: str) -> str:
    """A backup's time as people read it, with weekday and zone (backups are made in UTC)."""
    from datetime import UTC, datetime

    try:
        return datetime.fromisoformat(created_at).astimezone(UTC).strftime("%a %d %b %Y %H:%M UTC")
    except ValueError:
        return created_at


def _size(count: int) -> str:
    for unit in ("B", "KiB", "MiB", "GiB"):
        if count < 1024 or unit == "GiB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024  # type: ignore[assignment]
    return ""
