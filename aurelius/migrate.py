"""Running the Alembic migrations, and the cheap schema check done at start-up."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, inspect, text

from core.errors import ConfigError
from migrations import HEAD, LOCATION


def alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(LOCATION))
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(engine: Engine) -> None:
    """Bring the embedded SQLite database up to date; ask for `db upgrade` elsewhere.

    PostgreSQL is shared by several processes, so its migrations are an explicit step
    (`aurelius db upgrade`, or the compose file's `migrate` service).
    """
    revision = current_revision(engine)
    if revision == HEAD:
        return
    if engine.dialect.name == "sqlite":
        upgrade(engine)
        return
    found = revision or "empty"
    raise ConfigError(
        f"The database schema is {found}, Aurelius needs {HEAD}. Run `aurelius db upgrade` first."
    )
