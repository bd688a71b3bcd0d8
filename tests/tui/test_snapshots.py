"""Snapshots of the main screens at 120×40 and the fixed clock (Tue 10 Mar 2026 09:00 Berlin).

Refresh after an intended change with `pytest tests/tui --snapshot-update`, then look at the
SVGs under __snapshots__ before committing them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from aurelius.bootstrap import Services
from cli.tui import AureliusApp
from core.services.calendars import NewEvent
from core.timeutil import localize
from tests.conftest import ZONE
from tests.tui.conftest import SIZE, loaded, type_text

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return localize(datetime(2026, 3, day, hour, minute), ZONE)


def seed(services: Services, user_id: int) -> None:
    """A believable Tuesday: a clash at 10:00, a weekly standup, tasks of every priority."""
    calendar, tasks = services.calendar, services.tasks
    calendar.add(
        user_id,
        NewEvent(
            "Standup", _at(2, 9, 30), _at(2, 9, 45), recurrence="FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"
        ),
    )
    calendar.add(user_id, NewEvent("Design review", _at(10, 10), _at(10, 11), location="Room 4"))
    calendar.add(user_id, NewEvent("Call with bank", _at(10, 10, 30), _at(10, 11)))
    calendar.add(user_id, NewEvent("Lunch with Sara", _at(10, 13), _at(10, 14, 30)))
    calendar.add(user_id, NewEvent("Dentist", _at(12, 16), _at(12, 17)))
    tasks.add(
        user_id,
        "Send the quarterly report",
        due=_at(10, 17),
        priority=1,
        tags=["work"],
        project="Finance",
    )
    tasks.add(user_id, "Renew passport", due=date(2026, 3, 8), priority=2, tags=["admin"])
    tasks.add(user_id, "Buy milk", due=date(2026, 3, 11), priority=3, tags=["errands"])
    tasks.add(user_id, "Read 'Meditations'", priority=4, project="Reading")
    services.reminders.add(user_id, "Call mom", _at(10, 18))
    services.reminders.add(user_id, "Water the plants", _at(11, 8))


@pytest.fixture
def database_url(sqlite_template: Path, tmp_path: Path) -> str:
    """SQLite only: the screens look the same on every database, so one set of snapshots."""
    path = tmp_path / "aurelius.db"
    shutil.copy(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture
def seeded_app(services: Services, user_id: int) -> Callable[[], AureliusApp]:
    from cli.tui import create_app

    seed(services, user_id)
    return lambda: create_app(services, user_id, cursor_blink=False)


def test_today_screen(snap_compare: Any, seeded_app: Callable[[], AureliusApp]) -> None:
    assert snap_compare(seeded_app(), terminal_size=SIZE, run_before=loaded)


def test_week_view(snap_compare: Any, seeded_app: Callable[[], AureliusApp]) -> None:
    async def week(pilot: Any) -> None:
        await loaded(pilot)
        await pilot.press("w")
        await pilot.pause(0.3)

    assert snap_compare(seeded_app(), terminal_size=SIZE, run_before=week)


def test_quick_add_preview(snap_compare: Any, seeded_app: Callable[[], AureliusApp]) -> None:
    async def typing(pilot: Any) -> None:
        await loaded(pilot)
        await pilot.press("a")
        await type_text(pilot, "lunch with Sara friday 1pm for 90 minutes #social")
        await pilot.pause(0.3)

    assert snap_compare(seeded_app(), terminal_size=SIZE, run_before=typing)


def test_help_screen(snap_compare: Any, seeded_app: Callable[[], AureliusApp]) -> None:
    async def help_open(pilot: Any) -> None:
        await loaded(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(seeded_app(), terminal_size=SIZE, run_before=help_open)
