"""The restore drill (`scripts/restore-drill.sh`): back up a live database while a writer keeps
adding tasks, restore the backup into a fresh database, and compare them table by table.

A consistent backup is a snapshot of one instant, so the restored database must hold every
task committed before the backup started, none that was committed after it ended, and each
restored row must equal the live row with the same key (sha256 per table over those rows).
It prints the row counts, checksums and how long the backup and the restore took; exit 1 on
any difference.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from sqlalchemy import Engine, MetaData, make_url, select

from aurelius.backup.dumps import admin_execute
from core.db import make_engine


def main(argv: list[str] | None = None) -> int:
    options = _options(argv)
    with tempfile.TemporaryDirectory(prefix="aurelius-drill-") as work:
        live, fresh = _databases(options.server, Path(work))
        try:
            return _drill(live, fresh, Path(work), options)
        finally:
            _drop(options.server, live, fresh)


def _drill(live: str, fresh: str, work: Path, options: argparse.Namespace) -> int:
    _aurelius(live, work, "db", "upgrade")
    writer = Writer(live, options.seed)
    writer.start()
    writer.wait_for(options.seed + 1)
    before, started = writer.committed, time.monotonic()
    _aurelius(live, work, "backup", "--to", str(work / "drill.backup"))
    backup_seconds, after = time.monotonic() - started, writer.begun
    writer.wait_for(after + 10)  # the writer really ran on after the backup ended
    writer.stop()
    started = time.monotonic()
    _aurelius(fresh, work, "restore", str(work / "drill.backup"), "--yes")
    restore_seconds = time.monotonic() - started
    started = time.monotonic()
    _aurelius(fresh, work, "--version")
    start_seconds = time.monotonic() - started
    problems = _compare(live, fresh, before, after)
    print(f"backup: {backup_seconds:.2f} s, restore: {restore_seconds:.2f} s (each includes "
          f"starting the command, {start_seconds:.2f} s alone), "
          f"{writer.committed} tasks written by the load ({before} before the backup started, "
          f"{after} when it ended), {(work / 'drill.backup').stat().st_size} bytes")
    for problem in problems:
        print(f"MISMATCH: {problem}")
    print("drill: FAILED" if problems else "drill: ok")
    return 1 if problems else 0


class Writer(threading.Thread):
    """The write load: one task per transaction, as fast as the database takes them."""

    def __init__(self, url: str, seed: int) -> None:
        super().__init__(daemon=True)
        self.url, self.seed, self.committed, self.begun = url, seed, 0, 0
        self._halt, self._progress = threading.Event(), threading.Condition()
        self.failure: BaseException | None = None

    def run(self) -> None:
        from aurelius.bootstrap import build_services
        from aurelius.settings import Settings

        services = build_services(Settings(database_url=self.url, timezone="UTC"))
        try:
            user = services.local_user_id()
            while not self._halt.is_set():
                self.begun += 1  # read after a backup: no snapshot can hold more
                services.tasks.add(user, f"drill task {self.begun}")
                with self._progress:
                    self.committed += 1
                    self._progress.notify_all()
        except BaseException as error:  # reported by wait_for, not lost in a thread
            self.failure = error
        finally:
            services.close()
            with self._progress:
                self._progress.notify_all()

    def wait_for(self, count: int) -> None:
        with self._progress:
            self._progress.wait_for(lambda: self.committed >= count or not self.is_alive()
                                    or self.failure is not None, timeout=120)
        if self.failure is not None or self.committed < count:
            raise SystemExit(f"the write load stopped: {self.failure!r}")

    def stop(self) -> None:
        self._halt.set()
        self.join(timeout=30)


def table_digests(engine: Engine) -> dict[str, dict[tuple[str, ...], str]]:
    """Per table: primary key -> sha256 of the row (every column, as text)."""
    tables = MetaData()
    tables.reflect(engine)
    found: dict[str, dict[tuple[str, ...], str]] = {}
    with engine.connect() as connection:
        for table in tables.sorted_tables:
            keys = list(table.primary_key.columns) or list(table.columns)
            rows = connection.execute(select(table)).mappings()
            found[table.name] = {
                tuple(str(row[key.name]) for key in keys):
                    hashlib.sha256(repr([str(row[c.name]) for c in table.columns]).encode())
                    .hexdigest()
                for row in rows
            }
    return found


def _compare(live: str, fresh: str, before: int, after: int) -> list[str]:
    engines = make_engine(live), make_engine(fresh)
    try:
        source, restored = (table_digests(engine) for engine in engines)
    finally:
        for engine in engines:
            engine.dispose()
    problems = [f"table {name} is missing" for name in source if name not in restored]
    print(f"{'table':<24} {'live rows':>9} {'restored':>9}  sha256 (restored rows)")
    for name, rows in sorted(restored.items()):
        live_rows = {key: source.get(name, {}).get(key) for key in rows}
        same = all(live_rows[key] == digest for key, digest in rows.items())
        print(f"{name:<24} {len(source.get(name, {})):>9} {len(rows):>9}  "
              f"{_combined(rows)[:16]} {'=' if same else '!='}")
        if not same:
            problems.append(f"table {name}: restored rows differ from the live ones")
    tasks = len(restored.get("tasks", {}))
    if not before <= tasks <= after:
        problems.append(f"{tasks} tasks restored; a snapshot holds {before} to {after}")
    return problems


def _combined(rows: dict[tuple[str, ...], str]) -> str:
    return hashlib.sha256("".join(digest for _, digest in sorted(rows.items())).encode()
                          ).hexdigest()


def _aurelius(url: str, work: Path, *args: str) -> None:
    command = Path(sys.executable).with_name("aurelius")
    env = os.environ | {"AURELIUS_DATABASE_URL": url, "AURELIUS_HOME": str(work / "home"),
                        "AURELIUS_WARM": "0"}
    result = subprocess.run([str(command), *args], env=env, capture_output=True, text=True,
                            check=False)
    if result.returncode != 0:
        raise SystemExit(f"aurelius {' '.join(args)} failed: {result.stderr.strip()}")


def _databases(server: str | None, work: Path) -> tuple[str, str]:
    if server is None:
        return f"sqlite:///{work / 'live.db'}", f"sqlite:///{work / 'restored.db'}"
    base = make_url(server)
    names = f"{base.database}_drill_live", f"{base.database}_drill_restored"
    for name in names:
        admin_execute(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                      f'CREATE DATABASE "{name}"')
    live, fresh = (base.set(database=name).render_as_string(hide_password=False)
                   for name in names)
    return live, fresh


def _drop(server: str | None, *urls: str) -> None:
    if server is not None:
        names = [make_url(url).database for url in urls]
        admin_execute(make_url(server), *(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
                                   for name in names))


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="restore-drill", description=__doc__)
    parser.add_argument("server", nargs="?", help="a PostgreSQL URL: the drill makes its two "
                        "databases beside its database (default: SQLite files)")
    parser.add_argument("--seed", type=int, default=200, help="tasks written before backing up")
    return parser.parse_args(argv)


if __name__ == "__main__":
    sys.exit(main())
