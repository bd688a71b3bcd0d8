"""Each database's own tools for a consistent copy and an all-or-nothing restore.

SQLite: the online backup API copies a snapshot while other connections keep writing (WAL
readers never block the writer), and the same API writes a restore into the live file in one
transaction, so readers see the old data or the new, never a mix. PostgreSQL: `pg_dump
--format=custom` (one consistent snapshot), and `pg_restore` into a fresh database that then
takes the place of the current one by two renames in one transaction.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import URL

from core.errors import ConfigError, ProviderUnavailable

CLIENT_DIRS = Path("/usr/lib/postgresql")  # Debian's versioned client tools, not on PATH
CLIENT_HINT = ("install the PostgreSQL client tools of your server's version "
               "(e.g. `apt-get install postgresql-client-15`) and run it again")


def sqlite_path(url: str) -> Path:
    return Path(make_url(url).database or "").expanduser()


def snapshot_sqlite(url: str, dump: Path) -> None:
    source, target = sqlite3.connect(sqlite_path(url)), sqlite3.connect(dump)
    try:
        source.execute("PRAGMA busy_timeout=5000")
        source.backup(target)
    finally:
        source.close()
        target.close()


def restore_sqlite(dump: Path, url: str) -> None:
    path = sqlite_path(url)
    path.parent.mkdir(parents=True, exist_ok=True)
    source, target = sqlite3.connect(dump), sqlite3.connect(path)
    try:
        target.execute("PRAGMA busy_timeout=5000")
        source.backup(target)
    finally:
        source.close()
        target.close()


def dump_postgres(url: str, dump: Path) -> None:
    _run("pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={dump}",
         url=url)


def restore_postgres(url: str, dump: Path, prepare: Callable[[str], None]) -> None:
    """Restore `dump` into a fresh database beside `url`'s, `prepare` it (migrations), then
    swap it in; until the swap the current database is untouched."""
    target = make_url(url)
    name = str(target.database)
    staging = f"{name}__restoring"
    admin_execute(target, f'DROP DATABASE IF EXISTS "{staging}" WITH (FORCE)',
           f'CREATE DATABASE "{staging}"')
    staged = target.set(database=staging).render_as_string(hide_password=False)
    try:
        _run("pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
             f"--dbname={staging}", str(dump), url=staged)
        prepare(staged)
        _swap(target, staging)
    finally:
        admin_execute(target, f'DROP DATABASE IF EXISTS "{staging}" WITH (FORCE)')


def _swap(target: URL, staging: str) -> None:
    name, replaced = str(target.database), f"{target.database}__replaced"
    engine = create_engine(target.set(database="postgres"))
    try:
        with engine.begin() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
            if exists:
                connection.execute(text(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false'))
                connection.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :n AND pid <> pg_backend_pid()"), {"n": name})
                connection.execute(text(f'ALTER DATABASE "{name}" RENAME TO "{replaced}"'))
            connection.execute(text(f'ALTER DATABASE "{staging}" RENAME TO "{name}"'))
    finally:
        engine.dispose()
    admin_execute(target, f'DROP DATABASE IF EXISTS "{replaced}" WITH (FORCE)')


def admin_execute(target: URL, *statements: str) -> None:
    """Statements that cannot run in a transaction (CREATE/DROP DATABASE), on `postgres`."""
    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            for statement in statements:
                connection.execute(text(statement))
    finally:
        engine.dispose()


def pg_tool(name: str) -> str:
    """The newest installed copy of a PostgreSQL client tool, or one clear line."""
    found = shutil.which(name)
    versions = sorted(CLIENT_DIRS.glob(f"*/bin/{name}"),
                      key=lambda path: int(path.parts[-3]) if path.parts[-3].isdigit() else 0)
    if versions:
        return str(versions[-1])
    if found:
        return found
    raise ConfigError(f"{name} is not installed, and PostgreSQL is backed up with it: "
                      f"{CLIENT_HINT}.")


def _run(tool: str, *args: str, url: str) -> None:
    """Run a client tool with the connection in libpq's variables (never a password in argv)."""
    result = subprocess.run([pg_tool(tool), *args], env=_libpq_env(url),
                            capture_output=True, text=True, check=False)
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or ["no message"])[-1]
        raise ProviderUnavailable(f"{tool} failed: {reason}")


def _libpq_env(url: str) -> dict[str, str]:
    parsed = make_url(url)
    values = {"PGHOST": parsed.host, "PGPORT": parsed.port, "PGUSER": parsed.username,
              "PGPASSWORD": parsed.password, "PGDATABASE": parsed.database,
              "PGSSLMODE": parsed.query.get("sslmode")}
    return os.environ | {key: str(value) for key, value in values.items() if value}
