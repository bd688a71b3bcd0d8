"""Backing up, listing, pruning and restoring: what `aurelius backup` and `restore` call.

A restore never works on the current data: the backup is verified, unpacked and migrated
forward in a staging copy (a temporary file, or a `…__restoring` database), which then
replaces the current one in one step. A failure anywhere before that step changes nothing.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from aurelius.backup import archive, dumps, retention
from aurelius.backup.archive import Manifest
from aurelius.migrate import current_revision, upgrade
from core.errors import Invalid

if TYPE_CHECKING:
    from aurelius.adapters.vault import KeyRing
    from aurelius.settings import Settings

SCHEDULED = re.compile(r"^aurelius-(\d{8}T\d{6}Z)\.backup$")
STAMP = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class Listed:
    path: Path
    manifest: Manifest | None  # None: not readable as a backup
    problem: str = ""


class Backups:
    def __init__(self, settings: Settings,
                 now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.settings = settings
        self.url = settings.effective_database_url
        self.kind = "sqlite" if self.url.startswith("sqlite") else "postgresql"
        self.now = now

    @property
    def folder(self) -> Path:
        from aurelius.settings import data_dir

        return self.settings.backup_dir or data_dir() / "backups"

    def create(self, to: Path | None = None) -> tuple[Path, Manifest]:
        created = self.now().astimezone(UTC)
        target = to or self.folder / f"aurelius-{created.strftime(STAMP)}.backup"
        revision = self._revision()
        with tempfile.TemporaryDirectory(prefix="aurelius-backup-") as work:
            dump = Path(work) / "dump"
            if self.kind == "sqlite":
                dumps.snapshot_sqlite(self.url, dump)
            else:
                dumps.dump_postgres(self.url, dump)
            manifest = archive.write(dump, target, revision=revision, database=self.kind,
                                     created_at=created.isoformat(), ring=self._ring())
        return target, manifest

    def scheduled(self) -> list[tuple[datetime, Path]]:
        found = []
        for path in self.folder.glob("aurelius-*.backup") if self.folder.is_dir() else ():
            match = SCHEDULED.match(path.name)
            if match:
                found.append((datetime.strptime(match[1], STAMP).replace(tzinfo=UTC), path))
        return sorted(found)

    def listed(self) -> list[Listed]:
        listed = []
        for _, path in self.scheduled():
            try:
                listed.append(Listed(path, archive.verify(path)))
            except Invalid as error:
                listed.append(Listed(path, None, str(error)))
        return listed

    def prune(self) -> list[Path]:
        backups = self.scheduled()
        kept = retention.keep(backups, daily=self.settings.backup_keep_daily,
                              weekly=self.settings.backup_keep_weekly)
        removed = [path for _, path in backups if path not in kept]
        for path in removed:
            path.unlink(missing_ok=True)
        return removed

    def daily(self) -> Path | None:
        """Today's scheduled backup (UTC day) unless one exists, then prune; idempotent."""
        today = self.now().astimezone(UTC).date()
        if any(when.date() == today for when, _ in self.scheduled()):
            return None
        path, _ = self.create()
        self.prune()
        return path

    def check(self, path: Path) -> tuple[Manifest, bool]:
        """Verify `path` fits this install; also say whether the current database holds data."""
        manifest = archive.verify(path)
        if manifest.database != self.kind:
            raise Invalid(f"{path} is a {manifest.database} backup and this install uses "
                          f"{self.kind}: move the data with `aurelius export` and "
                          "`aurelius import` instead.")
        _known_revision(manifest.schema_revision, path)
        return manifest, self._holds_data()

    def restore(self, path: Path) -> Manifest:
        manifest, _ = self.check(path)
        with tempfile.TemporaryDirectory(prefix="aurelius-restore-") as work:
            dump = Path(work) / "dump"
            archive.extract(path, dump, self._ring() if manifest.encrypted else None)
            if self.kind == "sqlite":
                _migrate(f"sqlite:///{dump}")
                dumps.restore_sqlite(dump, self.url)
            else:
                dumps.restore_postgres(self.url, dump, _migrate)
        return manifest

    def _revision(self) -> str:
        engine = _engine(self.url)
        try:
            revision = current_revision(engine)
        finally:
            engine.dispose()
        if revision is None:
            raise Invalid("The database has no schema yet, so there is nothing to back up.")
        return revision

    def _holds_data(self) -> bool:
        if self.kind == "sqlite" and not dumps.sqlite_path(self.url).exists():
            return False
        engine = _engine(self.url)
        try:
            with engine.connect() as connection:
                tables = [name for name in inspect(connection).get_table_names()
                          if name != "alembic_version"]
                return any(connection.execute(text(f'SELECT 1 FROM "{name}" LIMIT 1')).first()
                           for name in tables)
        finally:
            engine.dispose()

    def _ring(self) -> KeyRing | None:
        if self.settings.encryption_keys is None:
            return None
        from aurelius.adapters.vault import key_ring

        return key_ring(self.settings)


def _engine(url: str) -> Engine:
    from core.db import make_engine

    return make_engine(url)


def _migrate(url: str) -> None:
    engine = _engine(url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()


def _known_revision(revision: str, path: Path) -> None:
    """A revision this code does not know is newer (or from another branch): refuse it."""
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from migrations import HEAD, LOCATION

    script = ScriptDirectory(str(LOCATION))
    try:
        known = script.get_revision(revision) is not None
    except CommandError:
        known = False
    if not known:
        raise Invalid(f"{path} has schema {revision}, newer than this Aurelius ({HEAD}): "
                      "upgrade Aurelius, then restore it.")
