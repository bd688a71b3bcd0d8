"""The composition root: `build_services` is the one place where Aurelius is wired together.

Every front end (CLI, TUI, bots, server, workers) calls it; tests call it with overrides
(a fixed clock, a database on a test URL) instead of patching anything.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from aurelius.settings import Settings, load_settings
from core.db import Database
from core.ports import Clock
from core.services.calendars import CalendarService, Workday
from core.services.ical import CalendarFiles
from core.services.reminders import ReminderService
from core.services.tasks import TaskService
from core.services.urgency import UrgencyCoefficients
from core.services.users import UserService


@dataclass
class Services:
    settings: Settings
    db: Database
    clock: Clock
    users: UserService
    tasks: TaskService
    calendar: CalendarService
    calendar_files: CalendarFiles
    reminders: ReminderService

    def local_user_id(self) -> int:
        """The user behind this OS account, created on first use with the configured zone."""
        login = getpass.getuser()
        return self.users.ensure("cli", login, login, self.settings.timezone)

    def close(self) -> None:
        self.db.dispose()


def build_services(settings: Settings | None = None, **overrides: Any) -> Services:
    """Wire every service from `settings`; any keyword replaces the part of the same name."""
    settings = settings or load_settings()
    clock: Clock = overrides.pop("clock", None) or _clock(settings)
    db: Database = overrides.pop("db", None) or _database(settings)
    parts: dict[str, Any] = {
        "settings": settings,
        "db": db,
        "clock": clock,
        "users": UserService(db),
        "tasks": TaskService(db, clock, _weights(settings)),
        "calendar": CalendarService(
            db,
            clock,
            Workday(
                time.fromisoformat(settings.workday_start), time.fromisoformat(settings.workday_end)
            ),
        ),
        "calendar_files": CalendarFiles(db),
        "reminders": ReminderService(db, clock),
    }
    unknown = set(overrides) - set(parts)
    if unknown:
        raise TypeError(f"build_services() got unknown overrides: {sorted(unknown)}")
    return Services(**{**parts, **overrides})


def _database(settings: Settings) -> Database:
    from aurelius.migrate import ensure_schema
    from core.db import make_engine

    engine = make_engine(settings.effective_database_url)
    ensure_schema(engine)
    return Database(engine)


def _clock(settings: Settings) -> Clock:
    from aurelius.adapters.clock import FixedClock, SystemClock

    if not settings.now:
        return SystemClock()
    from core.timeutil import localize

    pinned = datetime.fromisoformat(settings.now)
    return FixedClock(pinned if pinned.tzinfo else localize(pinned, settings.timezone))


def _weights(settings: Settings) -> UrgencyCoefficients:
    return UrgencyCoefficients(
        due=settings.urgency_due,
        priority=settings.urgency_priority,
        age=settings.urgency_age,
        age_max_days=settings.urgency_age_max_days,
        tags=settings.urgency_tags,
        project=settings.urgency_project,
    )
