"""Reminder service on real databases."""

from __future__ import annotations

from datetime import datetime

import pytest

from aurelius.bootstrap import Services
from core.errors import Invalid, NotFound
from core.timeutil import localize
from tests.conftest import ZONE


def test_add_list_cancel(services: Services, user_id: int) -> None:
    later = localize(datetime(2026, 3, 12, 10), ZONE)
    sooner = localize(datetime(2026, 3, 11, 8), ZONE)
    first = services.reminders.add(user_id, "Call the bank", later)
    services.reminders.add(user_id, "Stretch", sooner, recurrence_rule="FREQ=DAILY")
    assert [r.title for r in services.reminders.upcoming(user_id)] == ["Stretch", "Call the bank"]
    assert first.remind_at == later and first.remind_at.utcoffset() is not None

    services.reminders.cancel(user_id, first.id)
    assert [r.title for r in services.reminders.upcoming(user_id)] == ["Stretch"]
    assert {r.status for r in services.reminders.upcoming(user_id, include_past=True)} == {
        "scheduled",
        "cancelled",
    }
    with pytest.raises(Invalid, match="already cancelled"):
        services.reminders.cancel(user_id, first.id)


def test_reminder_in_dst_overlap_keeps_the_first_instant(services: Services, user_id: int) -> None:
    ambiguous = localize(datetime(2026, 10, 25, 2, 30), ZONE)  # happens twice in Berlin
    reminder = services.reminders.add(user_id, "Check the boiler", ambiguous)
    assert reminder.remind_at.isoformat() == "2026-10-25T02:30:00+02:00"


def test_bad_reminders(services: Services, user_id: int) -> None:
    when = localize(datetime(2026, 3, 12, 10), ZONE)
    with pytest.raises(Invalid):
        services.reminders.add(user_id, "  ", when)
    with pytest.raises(Invalid, match="repeat rule"):
        services.reminders.add(user_id, "x", when, recurrence_rule="EVERY=DAY")
    with pytest.raises(NotFound):
        services.reminders.cancel(user_id, 404)
