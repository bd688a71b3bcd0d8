"""The database (reachable, at the migration head, its clock), linked accounts, disk, files."""

from __future__ import annotations

import shutil
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aurelius.doctor import Check, failed, passed
from core.redaction import mask_credentials

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from aurelius.settings import Settings

MAX_SKEW_SECONDS = 5.0
UPGRADE = "aurelius db upgrade"


def sqlite_file(settings: Settings) -> Path | None:
    url = settings.effective_database_url
    if not url.startswith("sqlite:///"):
        return None
    path = url.split(":///", 1)[1].split("?", 1)[0]
    return Path(path).expanduser() if path and path != ":memory:" else None


def at_head(settings: Settings) -> bool:
    """The checks that read tables run only on a database the doctor found healthy."""
    from aurelius.migrate import current_revision
    from migrations import HEAD

    file = sqlite_file(settings)
    if file is not None and not file.exists():
        return False
    try:
        return current_revision(engine(settings.effective_database_url)) == HEAD
    except Exception:  # unreachable: the database check has said so already
        return False


_built: dict[str, Engine] = {}


def engine(url: str) -> Engine:
    """One engine per URL for all checks of a run (`release` closes them)."""
    from core.db import make_engine

    if url not in _built:
        options: dict[str, Any] = {} if url.startswith("sqlite") else {
            "connect_args": {"connect_timeout": 3}}
        _built[url] = make_engine(url, **options)
    return _built[url]


def release() -> None:
    while _built:
        _built.popitem()[1].dispose()


def database(settings: Settings) -> Iterator[Check]:
    from aurelius.migrate import current_revision
    from migrations import HEAD

    file = sqlite_file(settings)
    if file is not None and not file.exists():
        yield passed("database", f"none yet; {file} is created on first use")
        return
    url = settings.effective_database_url
    shown = mask_credentials(url)
    try:
        revision = current_revision(engine(url))
    except Exception as error:  # any failure to connect is the finding
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        yield failed("database", f"cannot connect to {shown} ({mask_credentials(reason)})",
                     "check AURELIUS_DATABASE_URL (aurelius config show) and that the "
                     "database server is running")
        return
    yield passed("database", f"reachable: {shown}")
    if revision == HEAD:
        yield passed("migrations", f"at the head ({HEAD})")
    else:
        found = revision or "nothing (no Aurelius tables)"
        yield failed("migrations", f"the schema is at {found}, this Aurelius needs {HEAD}",
                     UPGRADE)
    yield _clock(engine(url))


def _clock(found: Engine) -> Check:
    from sqlalchemy import text

    with found.connect() as connection:
        value = connection.execute(text("SELECT CURRENT_TIMESTAMP")).scalar()
    theirs = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    theirs = theirs if theirs.tzinfo else theirs.replace(tzinfo=UTC)  # SQLite speaks UTC
    skew = (datetime.now(UTC) - theirs).total_seconds()
    if abs(skew) <= MAX_SKEW_SECONDS:
        return passed("clock", f"agrees with the database's ({skew:+.1f} s)")
    return failed("clock", f"{skew:+.0f} s off the database's clock; reminders would go out "
                  "at the wrong time", "synchronise both clocks with NTP "
                  "(timedatectl set-ntp true)")


def connections(settings: Settings) -> Iterator[Check]:
    """Linked calendar accounts whose grant or last sync failed (ids only: no e-mails)."""
    from sqlalchemy import text

    if not at_head(settings):
        return
    with engine(settings.effective_database_url).connect() as connection:
        rows = connection.execute(text(
            "SELECT id, provider, status, last_error FROM connections ORDER BY id")).all()
    sick = [row for row in rows if row.status != "active" or row.last_error]
    if not sick:
        yield passed("connections", f"{len(rows)} linked account(s), all healthy")
    for row in sick:
        reason = mask_credentials((row.last_error or "").splitlines()[0] if row.last_error
                                  else "no error recorded")
        yield failed(f"connection {row.id}", f"{row.provider} is {row.status}: {reason}",
                     f"reconnect it: aurelius connect {row.provider}")


def disk(settings: Settings) -> Iterator[Check]:
    from aurelius.settings import data_dir

    where = _existing(data_dir())
    free_mb = shutil.disk_usage(where).free / 2**20
    if free_mb >= settings.doctor_min_free_mb:
        yield passed("disk", f"{free_mb:,.0f} MB free at {where}")
    else:
        yield failed("disk", f"only {free_mb:,.0f} MB free at {where} (at least "
                     f"{settings.doctor_min_free_mb:,} MB wanted)",
                     "free space on that disk, or move the data dir (AURELIUS_HOME)")


def permissions(settings: Settings) -> Iterator[Check]:
    """Secrets live in these files: nobody but their owner may read them."""
    from aurelius.settings import config_path, data_dir

    database = sqlite_file(settings)
    files = [config_path(), data_dir() / "vault.key",
             *([database, database.with_name(database.name + "-wal")] if database else [])]
    found = [path for path in files if path.exists()]
    loose = [path for path in found if path.stat().st_mode & 0o077]
    for path in loose:
        mode = stat.filemode(path.stat().st_mode)
        yield failed(f"permissions {path.name}", f"{path} can be read by others ({mode})",
                     f"chmod 600 {path}")
    if not loose:
        yield passed("permissions", f"{len(found)} private file(s), none readable by others")


def _existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path
