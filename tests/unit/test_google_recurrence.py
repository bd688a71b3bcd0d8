"""Google's recurrence lines and instance ids, both ways."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from aurelius.adapters.google.calendar import google_id
from aurelius.adapters.google.recurrence import Malformed, instance_id, lines, parse

PARIS = ZoneInfo("Europe/Paris")


def test_lines_are_read_in_their_zone() -> None:
    rules = parse(["RRULE:FREQ=WEEKLY;BYDAY=MO", "RRULE:FREQ=MONTHLY;BYMONTHDAY=1",
                   "EXDATE;TZID=Europe/Paris:20260330T090000,20260406T090000",
                   "EXDATE:20260413T070000Z", "RDATE;VALUE=DATE:20260501",
                   "RDATE;VALUE=PERIOD:20260502T100000Z/20260502T110000Z"], "Europe/Paris")
    assert rules.rrule == "FREQ=WEEKLY;BYDAY=MO\nFREQ=MONTHLY;BYMONTHDAY=1"
    # 30 March is after the spring change: 09:00 in Paris is 07:00 UTC.
    assert rules.exdates == [datetime(2026, 3, 30, 9, tzinfo=PARIS),
                             datetime(2026, 4, 6, 9, tzinfo=PARIS),
                             datetime(2026, 4, 13, 7, tzinfo=UTC)]
    assert rules.exdates[0].astimezone(UTC).hour == 7
    assert rules.rdates == [(datetime(2026, 5, 1, tzinfo=PARIS), None),
                            (datetime(2026, 5, 2, 10, tzinfo=UTC),
                             datetime(2026, 5, 2, 11, tzinfo=UTC))]


@pytest.mark.parametrize("line", ["EXDATE;TZID=Mars/Base:20260330T090000",
                                  "EXDATE:2026-03-30", "RDATE:tomorrow"])
def test_unreadable_lines_are_malformed(line: str) -> None:
    with pytest.raises(Malformed):
        parse([line], "UTC")


def test_written_lines_read_back_the_same() -> None:
    exdate = datetime(2026, 3, 30, 7, tzinfo=UTC)
    written = lines("FREQ=DAILY", [exdate], [], "Europe/Paris", all_day=False)
    assert written == ["RRULE:FREQ=DAILY", "EXDATE;TZID=Europe/Paris:20260330T090000"]
    assert parse(written, "Europe/Paris").exdates == [exdate]
    day = datetime(2026, 12, 24, 23, tzinfo=UTC)  # 25 December in Paris
    assert lines(None, [], [day], "Europe/Paris", True) == ["RDATE;VALUE=DATE:20261225"]


def test_instance_ids_and_event_ids_follow_google() -> None:
    start = datetime(2026, 3, 30, 9, tzinfo=PARIS)
    assert instance_id("abc123", start, False, "Europe/Paris") == "abc123_20260330T070000Z"
    assert instance_id("abc123", start, True, "Europe/Paris") == "abc123_20260330"
    chosen = google_id("lunch@aurelius")
    assert chosen == google_id("lunch@aurelius") != google_id("lunch2@aurelius")
    assert 5 <= len(chosen) <= 1024 and set(chosen) <= set("0123456789abcdefghijklmnopqrstuv")
