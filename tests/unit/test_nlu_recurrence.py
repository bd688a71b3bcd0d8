"""Repeat phrases as RRULE bodies, and the first occurrence on or after now."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.nlu import parse
from core.nlu.batch import serialise
from core.nlu.lexicon import normalise
from core.nlu.recurrence import find

WEEKDAYS = "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"


@pytest.mark.parametrize(("phrase", "rule"), [
    ("every weekday", WEEKDAYS),
    ("every other friday", "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR"),
    ("first monday of every month", "FREQ=MONTHLY;BYDAY=1MO"),
    ("last friday of the month", "FREQ=MONTHLY;BYDAY=-1FR"),
    ("daily", "FREQ=DAILY"),
    ("every 3 months", "FREQ=MONTHLY;INTERVAL=3"),
    ("every morning", "FREQ=DAILY"),
    ("weekly on tuesdays", "FREQ=WEEKLY;BYDAY=TU"),
    ("every 2 weeks", "FREQ=WEEKLY;INTERVAL=2"),
    ("every tuesday and thursday", "FREQ=WEEKLY;BYDAY=TU,TH"),
    ("every 15th", "FREQ=MONTHLY;BYMONTHDAY=15"),
    ("on the 1st of every month", "FREQ=MONTHLY;BYMONTHDAY=1"),
    ("every jan 15", "FREQ=YEARLY;BYMONTH=1;BYMONTHDAY=15"),
    ("biweekly 1:1 on wednesdays", "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"),
])
def test_rule(phrase: str, rule: str) -> None:
    found = find(normalise(phrase).norm)  # the parser matches the normalised text
    assert found is not None and found.rule == rule


def test_no_repeat_in_plain_text() -> None:
    assert find("quarterly review meeting prep") is None


@pytest.mark.parametrize(("text", "now", "name", "expected"), [
    # the known bug: from Tue 03-10 the first "other monday" is 03-16, not 03-23
    ("water plants every other monday", "2026-03-10T09:00:00", "due", "2026-03-16"),
    ("piano lesson every other saturday at 10am", "2026-05-31T08:00:00", "start",
     "2026-06-06T10:00:00+02:00"),
    ("take out recycling every other friday", "2026-07-17T08:30:00", "due", "2026-07-17"),
    ("backup the NAS every 3 months", "2026-06-15T07:45:00", "due", "2026-06-15"),
    ("stretch daily at 7am", "2026-10-24T11:00:00", "due", "2026-10-25T07:00:00+01:00"),
    ("remind me every weekday at 8:30 to check", "2026-04-30T16:00:00", "remind_at",
     "2026-05-01T08:30:00+02:00"),
    ("standup every weekday at 9:15", "2026-06-15T07:45:00", "start",
     "2026-06-15T09:15:00+02:00"),
    ("team retro first monday of every month at 11am", "2026-03-10T09:00:00", "start",
     "2026-04-06T11:00:00+02:00"),
    ("clean the fridge last friday of the month", "2026-12-30T14:00:00", "due", "2027-01-29"),
    ("water the lawn every morning", "2026-07-17T08:30:00", "due", "2026-07-17T09:00:00+02:00"),
])
def test_first_occurrence_on_or_after_now(text: str, now: str, name: str, expected: str) -> None:
    parsed = parse(text, datetime.fromisoformat(now), "Europe/Berlin")
    assert serialise(parsed.slots, "Europe/Berlin")[name] == expected
    assert "recurrence" in parsed.slots
