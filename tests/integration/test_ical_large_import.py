"""A large import is staged in short batches and swapped in at once; other writers get a
clear line instead of a traceback when the database stays locked."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from aurelius.bootstrap import Services
from core.errors import Conflict
from core.models import Event, EventException, EventImportChange, EventImportRow
from core.services import ical_stage


def _calendar(count: int, title: str = "Event") -> bytes:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//test//EN"]
    first = datetime(2026, 3, 2, 8, tzinfo=UTC)
    for i in range(count):
        start = first + timedelta(hours=i)
        end = start + timedelta(minutes=30)
        lines += ["BEGIN:VEVENT", f"UID:bulk-{i}", f"SUMMARY:{title} {i}"]
        lines += [f"DTSTART:{start:%Y%m%dT%H%M%SZ}", f"DTEND:{end:%Y%m%dT%H%M%SZ}"]
        if i % 2:  # every other one repeats, with one occurrence cancelled
            skipped = start + timedelta(days=7)
            lines += ["RRULE:FREQ=WEEKLY;COUNT=2", f"EXDATE:{skipped:%Y%m%dT%H%M%SZ}"]
        lines.append("END:VEVENT")
    return ("\r\n".join(line for line in lines if line) + "\r\nEND:VCALENDAR\r\n").encode()


def _count(services: Services, model: type) -> int:
    with services.db.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(model)) or 0)


def test_an_import_larger_than_a_batch_lands_whole_and_leaves_no_staging(
    services: Services, user_id: int
) -> None:
    count = ical_stage.BATCH * 2 + 7
    report = services.calendar_files.import_ics(user_id, _calendar(count))
    assert (report.created, report.exceptions) == (count, count // 2)
    assert _count(services, Event) == count and _count(services, EventException) == count // 2
    assert _count(services, EventImportRow) == _count(services, EventImportChange) == 0
    again = services.calendar_files.import_ics(user_id, _calendar(count, "Renamed"))
    assert (again.created, again.updated) == (0, count)
    titles = {
        e.title
        for e in services.calendar.agenda(
            user_id, datetime(2026, 3, 2, tzinfo=UTC), datetime(2026, 3, 3, tzinfo=UTC)
        )
    }
    assert titles and all(title.startswith("Renamed") for title in titles)
    assert _count(services, EventException) == count // 2


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_write_blocked_by_a_long_lock_says_to_try_again(
    services: Services, user_id: int, database_url: str
) -> None:
    holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another process in the middle of a long write
    try:
        with pytest.raises(Conflict, match="try again"):
            services.tasks.add(user_id, "Call the bank")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert services.tasks.add(user_id, "Call the bank").title == "Call the bank"
