"""Engine and session factory, and the unit of work every service writes through."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from core.errors import Conflict
from core.ports import EventBus

EVENTS = "aurelius.events"
log = logging.getLogger(__name__)


def emit(session: Session, topic: str, **payload: Any) -> None:
    """Queue a live-update event, published when `session`'s transaction commits."""
    session.info.setdefault(EVENTS, []).append((topic, payload))


def make_engine(url: str, **options: Any) -> Engine:
    """An engine for `url`; SQLite files get their folder, foreign keys and WAL."""
    if url.startswith("sqlite"):
        _ensure_sqlite_folder(url)
        engine = create_engine(url, **options)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, **options)


def _ensure_sqlite_folder(url: str) -> None:
    """The file's folder (0700 when created here) and the file itself, private (0600):
    SQLite gives its -wal and -shm files the database file's permissions."""
    path = url.split(":///", 1)[-1].split("?", 1)[0]
    if not path or path == ":memory:" or path.startswith("file:"):
        return
    file = Path(path).expanduser()
    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(file, os.O_RDWR | os.O_CREAT, 0o600))
    for private in (file, file.with_name(file.name + "-wal"), file.with_name(file.name + "-shm")):
        if private.exists() and private.stat().st_mode & 0o077:
            private.chmod(0o600)


def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # readers (TUI, bots) never block the writer
    # In WAL mode NORMAL still survives any crash of Aurelius itself; only a power cut can lose
    # the last commits. FULL would fsync every commit and cap deliveries at a few hundred/s.
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class Database:
    """Hands out sessions; `transaction()` is the unit of work (commit, or roll back on error).

    Events emitted in a transaction are published on the bus only once it has committed, so
    nobody hears of a change that was rolled back.
    """

    def __init__(self, engine: Engine, bus: EventBus | None = None) -> None:
        self.engine = engine
        self.bus = bus
        self._sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        try:
            with self._sessions.begin() as session:
                yield session
        except OperationalError as exc:
            # SQLite's busy_timeout has already retried for 5 s: say so instead of a traceback.
            if "database is locked" not in str(exc):
                raise
            raise Conflict(
                "The database is busy with another long write (an import?); try again in a moment."
            ) from None
        self._publish(session.info.pop(EVENTS, []))

    def _publish(self, events: list[tuple[str, dict[str, Any]]]) -> None:
        for topic, payload in events if self.bus else ():
            try:
                self.bus.publish(topic, payload)  # type: ignore[union-attr]
            except Exception:  # a live update is a courtesy: the change itself is committed
                log.warning("could not publish %s", topic, exc_info=True)

    def dispose(self) -> None:
        self.engine.dispose()
