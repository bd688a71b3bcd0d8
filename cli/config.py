"""`aurelius config …` and `aurelius db …`: settings and the database schema."""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from cli import render
from cli.app import group

config_app = group("Show and change settings.")
db_app = group("Database schema management.")


@config_app.command("show")
def show(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Every setting and its value (secrets and passwords in URLs hidden)."""
    from aurelius import config_file
    from aurelius.settings import config_path

    settings, notes = config_file.readable()
    values = _visible(settings.model_dump())
    values["database_url"] = settings.effective_database_url
    values = {key: _masked(value) for key, value in values.items()}
    _warn(notes)
    if as_json:
        sys.stdout.write(json.dumps(values, indent=2, default=str) + "\n")
        return
    render.say(f"# config file: {config_path()}")
    for key, value in values.items():
        render.say(f"{key} = {value if value is not None else '(not set)'}")


@config_app.command("set")
def set_(key: str, value: str) -> None:
    """Store a setting in the config file, e.g. `config set timezone Europe/Berlin`."""
    from aurelius import config_file
    from aurelius.settings import SECRET_FIELDS, config_path

    change = config_file.set_value(key, value)
    _warn(change.notes)
    shown = "********" if change.name in SECRET_FIELDS else _masked(change.value)
    render.say(f"Set {change.name} = {shown} in {config_path()}.")


@config_app.command("unset")
def unset(key: str) -> None:
    """Remove a setting from the config file (its default or environment value applies)."""
    from aurelius import config_file
    from aurelius.settings import config_path

    removed = config_file.unset(key)
    name = config_file.known_name(key)
    render.say(f"Removed {name} from {config_path()}." if removed
               else f"{name} is not set in {config_path()}.")


@config_app.command("path")
def path() -> None:
    """Where the config file lives."""
    from aurelius.settings import config_path

    typer.echo(str(config_path()))


@db_app.command("upgrade")
def upgrade() -> None:
    """Apply all pending migrations (PostgreSQL needs this after each update)."""
    from aurelius.migrate import current_revision
    from aurelius.migrate import upgrade as run_upgrade
    from aurelius.settings import load_settings
    from core.db import make_engine

    engine = make_engine(load_settings().effective_database_url)
    before = current_revision(engine)
    run_upgrade(engine)
    render.say(
        f"Database at revision {current_revision(engine)} (was {before or 'empty'}): "
        f"{engine.url.render_as_string(hide_password=True)}"
    )


@db_app.command("current")
def current() -> None:
    """The schema revision of the configured database."""
    from aurelius.migrate import current_revision
    from aurelius.settings import load_settings
    from core.db import make_engine

    render.say(current_revision(make_engine(load_settings().effective_database_url)) or "empty")


def _masked(value: Any) -> Any:
    from core.redaction import mask_credentials

    return mask_credentials(value) if isinstance(value, str) else value


def _warn(notes: list[str]) -> None:
    for note in notes:
        typer.echo(f"Warning: {_masked(note)}.", err=True)


def _visible(values: dict[str, Any]) -> dict[str, Any]:
    from aurelius.settings import SECRET_FIELDS

    return {
        key: ("********" if key in SECRET_FIELDS and value else value)
        for key, value in values.items()
    }
