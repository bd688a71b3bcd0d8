"""Reminder service on real databases."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import Services
from core.errors import Invalid, NotFound
from core.timeutil import localize
from tests.conftest import NOW, ZONE


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


@pytest.mark.parametrize("ago", [timedelta(minutes=2), timedelta(days=400)])
def test_a_time_in_the_past_is_refused_with_a_clear_line(
    services: Services, user_id: int, ago: timedelta
) -> None:
    with pytest.raises(Invalid, match=r"is already past \(it is Tue 10 Mar 09:00 Europe/Berlin\)"):
        services.reminders.add(user_id, "Call the bank", NOW - ago)
    assert services.reminders.upcoming(user_id, include_past=True) == []


def test_a_time_within_the_last_minute_means_now(services: Services, user_id: int) -> None:
    reminder = services.reminders.add(user_id, "Stretch", NOW - timedelta(seconds=50))
    assert reminder.remind_at == NOW


@pytest.mark.parametrize(
    ("due_in", "expected"),
    [(timedelta(hours=2), timedelta(hours=2, minutes=15)),  # not rung yet: later, not earlier
     (timedelta(0), timedelta(minutes=15))],  # due now: from now
)
def test_snoozing_a_reminder_that_has_not_rung_pushes_it_later(
    services: Services, user_id: int, due_in: timedelta, expected: timedelta
) -> None:
    reminder = services.reminders.add(user_id, "Stretch", NOW + due_in)
    snoozed = services.reminders.snooze(user_id, reminder.id, timedelta(minutes=15))
    assert snoozed.remind_at == NOW + expected
    assert snoozed.status == "scheduled" and "had not rung yet" in (snoozed.status_detail or "")
    (listed,) = services.reminders.upcoming(user_id)
    assert listed.remind_at == NOW + expected and listed.status == "scheduled"


def test_snoozing_one_that_rang_counts_from_now(
    services: Services, user_id: int, clock: FixedClock
) -> None:
    reminder = services.reminders.add(user_id, "Stretch", NOW, recurrence_rule="FREQ=DAILY")
    services.deliveries.send_batch(services.deliveries.plan())
    clock.instant = NOW + timedelta(minutes=5)
    snoozed = services.reminders.snooze(user_id, reminder.id, timedelta(minutes=10))
    assert snoozed.remind_at == NOW + timedelta(minutes=15)  # not tomorrow's 09:00 + 10 min
    assert snoozed.status_detail is None
