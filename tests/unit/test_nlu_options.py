"""CLI option values: --due/--at (parse_when), --duration, --repeat."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from core.errors import Invalid
from core.nlu.options import parse_duration, parse_recurrence, parse_when

NOW = datetime(2026, 3, 10, 9, 0)
BERLIN = "Europe/Berlin"


def test_iso_date_is_a_date() -> None:
    assert parse_when("2026-12-03", NOW, BERLIN) == date(2026, 12, 3)


@pytest.mark.parametrize(("text", "expected"), [
    ("2026-12-03 09:00", "2026-12-03T09:00:00+01:00"),
    ("2026-12-03T09:00", "2026-12-03T09:00:00+01:00"),
    ("2026-07-03T09:00:00+00:00", "2026-07-03T11:00:00+02:00"),
    ("2026-03-29 02:30", "2026-03-29T03:00:00+02:00"),  # gap: first instant after it
    ("2026-10-25 02:30", "2026-10-25T02:30:00+02:00"),  # overlap: the earlier instant
    ("friday 5pm", "2026-03-13T17:00:00+01:00"),
    ("in 2 hours", "2026-03-10T11:00:00+01:00"),
])
def test_instants(text: str, expected: str) -> None:
    got = parse_when(text, NOW, BERLIN)
    assert isinstance(got, datetime) and got.isoformat() == expected


def test_natural_date_without_time_is_a_date() -> None:
    assert parse_when("tomorrow", NOW, BERLIN) == date(2026, 3, 11)
    assert parse_when("next friday", NOW, BERLIN) == date(2026, 3, 20)


@pytest.mark.parametrize("text", ["", "banana", "2026-02-30", "2026-13-01 10:00",
                                  "tomorrow and buy milk"])
def test_unreadable_when_raises_invalid_with_a_hint(text: str) -> None:
    with pytest.raises(Invalid) as err:
        parse_when(text, NOW, BERLIN)
    assert "e.g." in str(err.value) or "YYYY-MM-DD" in str(err.value)


def test_unknown_zone_raises_invalid() -> None:
    with pytest.raises(Invalid, match="IANA"):
        parse_when("tomorrow", NOW, "Mars/Olympus")


@pytest.mark.parametrize(("text", "minutes"), [
    ("45m", 45), ("1h30m", 90), ("2h", 120), ("90 minutes", 90), ("half an hour", 30),
    ("1.5 hours", 90), ("for 45 min", 45), ("1:15", 75), ("30", 30),
])
def test_durations(text: str, minutes: int) -> None:
    assert parse_duration(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "soon", "0m", "-5m", "h"])
def test_bad_duration_raises_invalid(text: str) -> None:
    with pytest.raises(Invalid, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize(("text", "rule"), [
    ("FREQ=WEEKLY;BYDAY=MO", "FREQ=WEEKLY;BYDAY=MO"),
    ("RRULE:FREQ=DAILY;INTERVAL=2", "FREQ=DAILY;INTERVAL=2"),
    ("every other monday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO"),
    ("every weekday", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
    ("first monday of every month", "FREQ=MONTHLY;BYDAY=1MO"),
])
def test_recurrence(text: str, rule: str) -> None:
    assert parse_recurrence(text, NOW, BERLIN) == rule


@pytest.mark.parametrize("text", ["FREQ=SOMETIMES", "BYDAY=MO", "whenever", ""])
def test_bad_recurrence_raises_invalid(text: str) -> None:
    with pytest.raises(Invalid, match="repeat"):
        parse_recurrence(text, NOW, BERLIN)
