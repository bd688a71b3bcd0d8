"""Every repeat rule is checked once at the edge, and every expansion is bounded."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta

import pytest

from core import recurrence
from core.errors import Invalid

START = datetime(2026, 12, 2, 9)


@pytest.mark.parametrize(
    ("rule", "kind", "says"),
    [
        ("FREQ=DAILY;INTERVAL=0", "task", "INTERVAL must be between 1"),
        ("FREQ=DAILY;INTERVAL=-1", "event", "INTERVAL must be between 1"),
        ("FREQ=DAILY;INTERVAL=1001", "reminder", "INTERVAL must be between 1"),
        ("FREQ=DAILY;INTERVAL=1234567890123456789012345", "task", "not a small whole number"),
        ("FREQ=DAILY;COUNT=-5", "event", "COUNT must be between 1"),
        ("FREQ=DAILY;COUNT=0", "event", "COUNT must be between 1"),
        ("FREQ=SECONDLY", "event", "an event can repeat at most hourly"),
        ("FREQ=MINUTELY", "reminder", "a reminder can repeat at most hourly"),
        ("FREQ=HOURLY", "task", "a task can repeat at most daily"),
        ("FREQ=FOO", "event", "FREQ=FOO is unknown"),
        ("INTERVAL=2", "event", "no FREQ"),
        ("FREQ=DAILY;BOGUS=1", "event", "not an RRULE part"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20270101", "event", "COUNT or UNTIL"),
        ("FREQ=MONTHLY;BYDAY=MO;BYSETPOS=1000", "event", "BYSETPOS=1000 never matches"),
        ("FREQ=HOURLY;BYMONTH=2;BYMONTHDAY=30", "event", "never occurs"),
        ("FREQ=YEARLY;BYMONTH=4;BYMONTHDAY=31", "event", "never occurs"),
        ("FREQ=WEEKLY;BYDAY=XX", "event", "Cannot use repeat rule"),
        ("", "event", "empty"),
    ],
)
def test_a_bad_rule_gets_one_line_naming_it(rule: str, kind: str, says: str) -> None:
    began = time.perf_counter()
    with pytest.raises(Invalid, match=says) as raised:
        recurrence.validate(rule, kind, START)
    assert time.perf_counter() - began < 1.0
    message = str(raised.value)
    assert "\n" not in message and (rule.upper() in message or not rule)


@pytest.mark.parametrize(
    ("rule", "kind", "start"),
    [
        ("FREQ=WEEKLY;BYDAY=MO,WE", "event", START),
        ("RRULE:freq=monthly;byday=-1fr", "event", START),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29", "event", START),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=29;BYDAY=MO", "event", START),
        ("FREQ=HOURLY;INTERVAL=4", "reminder", START),
        ("FREQ=DAILY", "task", date(2026, 12, 2)),
        ("FREQ=WEEKLY;UNTIL=20200101T000000Z", "event", START),  # finished: still readable
        ("FREQ=WEEKLY;BYDAY=MO\nFREQ=MONTHLY;BYMONTHDAY=1", "event", START),
    ],
)
def test_good_rules_pass_in_canonical_form(rule: str, kind: str, start: datetime | date) -> None:
    assert recurrence.validate(rule, kind, start) == rule.upper().replace("RRULE:", "")


def test_an_old_hourly_rule_expands_only_near_the_window() -> None:
    began = time.perf_counter()
    week = list(
        recurrence.occurrences(
            "FREQ=HOURLY", datetime(1900, 1, 1, tzinfo=UTC), "Europe/Berlin",
            datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 3, 8, tzinfo=UTC),
            timedelta(minutes=30),
        )
    )  # fmt: skip
    assert len(week) == 7 * 24
    assert time.perf_counter() - began < 1.0


def test_an_expansion_stops_at_the_hard_cap() -> None:
    found = list(
        recurrence.occurrences(
            "FREQ=MINUTELY", datetime(2026, 1, 1, tzinfo=UTC), "UTC",
            datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC), timedelta(0),
        )
    )  # fmt: skip
    assert len(found) == recurrence.MAX_STEPS


def test_until_in_utc_on_a_zoned_start_is_the_same_instant() -> None:
    starts = list(
        recurrence.occurrences(
            "FREQ=DAILY;UNTIL=20260331T070000Z", datetime(2026, 3, 27, 8, tzinfo=UTC),
            "Europe/Berlin", datetime(2026, 3, 1, tzinfo=UTC), datetime(2026, 5, 1, tzinfo=UTC),
            timedelta(hours=1),
        )
    )  # fmt: skip
    # 09:00 Berlin each day; after the DST switch 09:00 is 07:00Z, so 31 March is the last
    assert [s.day for s in starts] == [27, 28, 29, 30, 31]
    assert {s.hour for s in starts} == {9}
