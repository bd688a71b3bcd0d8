"""Outlook's zone names and recurrence patterns, both ways."""

from __future__ import annotations

from datetime import datetime

import pytest

from aurelius.adapters.microsoft.recurrence import BadRecurrence, from_rrule, to_rrule
from aurelius.adapters.microsoft.zones import WINDOWS_TO_IANA, to_iana, to_windows
from core.errors import Invalid
from core.services.ical_zones import is_zone


def test_windows_names_map_to_real_iana_zones_and_back() -> None:
    assert all(is_zone(name) for name in WINDOWS_TO_IANA.values())
    assert to_iana("W. Europe Standard Time") == "Europe/Berlin"
    assert to_iana("Pacific Standard Time") == "America/Los_Angeles"
    assert to_iana("Europe/Paris") == "Europe/Paris" and to_iana("UTC") == "UTC"
    assert to_iana("Mars Standard Time") is None and to_iana("") is None
    assert to_windows("Europe/Berlin") == "W. Europe Standard Time"
    assert to_windows("Europe/Amsterdam") == "W. Europe Standard Time"
    assert to_windows("UTC") == "UTC" and to_windows("America/Boise") == "America/Boise"


RULES = [
    "FREQ=DAILY;INTERVAL=3;UNTIL=20270630",
    "FREQ=WEEKLY;BYDAY=MO,WE,FR;WKST=MO;COUNT=20",
    "FREQ=MONTHLY;BYMONTHDAY=15",
    "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU;BYSETPOS=-1",
    "FREQ=YEARLY;BYMONTH=11;BYDAY=TH;BYSETPOS=4",
    "FREQ=YEARLY;BYMONTH=7;BYMONTHDAY=4;COUNT=5",
]


@pytest.mark.parametrize("rule", RULES)
def test_a_rule_outlook_can_hold_survives_the_round_trip(rule: str) -> None:
    graph = from_rrule(rule, datetime(2027, 1, 5, 9), "W. Europe Standard Time")
    assert graph["range"]["recurrenceTimeZone"] == "W. Europe Standard Time"
    back = to_rrule(graph).split(";")
    assert set(back) - {"WKST=MO"} == set(rule.split(";")) - {"WKST=MO"}


@pytest.mark.parametrize(
    "rule", ["FREQ=HOURLY", "FREQ=DAILY;BYHOUR=9,17", "FREQ=DAILY\nFREQ=WEEKLY"]
)
def test_a_rule_outlook_cannot_hold_is_refused_in_one_line(rule: str) -> None:
    with pytest.raises(Invalid, match="Outlook"):
        from_rrule(rule, datetime(2027, 1, 5, 9), "UTC")


@pytest.mark.parametrize(
    "recurrence",
    [
        {"pattern": {"type": "hourly"}, "range": {"type": "noEnd"}},
        {"pattern": {"type": "daily", "interval": 0}, "range": {"type": "noEnd"}},
        {"pattern": {"type": "weekly", "daysOfWeek": ["funday"]}, "range": {"type": "noEnd"}},
        {"pattern": {"type": "absoluteMonthly", "dayOfMonth": 32}, "range": {"type": "noEnd"}},
        {"pattern": {"type": "daily"}, "range": {"type": "numbered", "numberOfOccurrences": 10**6}},
        {"pattern": {"type": "daily"}, "range": {"type": "endDate", "endDate": "soon"}},
    ],
)
def test_an_absurd_pattern_is_refused(recurrence: dict[str, object]) -> None:
    with pytest.raises(BadRecurrence):
        to_rrule(recurrence)
