"""Zone rules: DST gaps and overlaps in both directions, elapsed arithmetic, formatting."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from core.timeutil import add_elapsed, day_bounds, elapsed, format_when, is_gap, localize, zone


@pytest.mark.parametrize(
    ("tz", "wall", "expected"),
    [
        ("Europe/Berlin", datetime(2026, 3, 29, 2, 30), "2026-03-29T03:00:00+02:00"),
        ("America/New_York", datetime(2026, 3, 8, 2, 15), "2026-03-08T03:00:00-04:00"),
        ("Europe/Berlin", datetime(2026, 10, 25, 2, 30), "2026-10-25T02:30:00+02:00"),
        ("America/New_York", datetime(2026, 11, 1, 1, 30), "2026-11-01T01:30:00-04:00"),
        ("Europe/Berlin", datetime(2026, 7, 1, 12, 0), "2026-07-01T12:00:00+02:00"),
    ],
)
def test_localize_resolves_gaps_forward_and_overlaps_to_the_first(
    tz: str, wall: datetime, expected: str
) -> None:
    moment = localize(wall, tz)
    assert moment.isoformat() == expected
    assert not is_gap(moment.replace(tzinfo=None), zone(tz))


def test_add_elapsed_counts_real_time_across_both_switches() -> None:
    saturday = localize(datetime(2026, 3, 7, 22), "America/New_York")
    assert add_elapsed(saturday, timedelta(hours=6)).isoformat() == "2026-03-08T05:00:00-04:00"
    assert add_elapsed(saturday, timedelta(hours=24)).isoformat() == "2026-03-08T23:00:00-04:00"
    autumn = localize(datetime(2026, 10, 25, 1), "Europe/Berlin")
    later = add_elapsed(autumn, timedelta(hours=2))
    assert later.isoformat() == "2026-10-25T02:00:00+01:00"
    assert elapsed(autumn, later) == timedelta(hours=2)


def test_day_bounds_on_dst_days() -> None:
    assert elapsed(*day_bounds(date(2026, 3, 29), "Europe/Berlin")) == timedelta(hours=23)
    assert elapsed(*day_bounds(date(2026, 11, 1), "America/New_York")) == timedelta(hours=25)


def test_format_when_shows_weekday_and_zone() -> None:
    now = datetime(2026, 3, 10, 8, tzinfo=UTC)
    moment = localize(datetime(2026, 3, 13, 17), "Europe/Berlin")
    assert format_when(moment, "Europe/Berlin", now) == "Fri 13 Mar 17:00 Europe/Berlin"
    assert format_when(moment, "America/New_York", now) == "Fri 13 Mar 12:00 America/New_York"
    assert format_when(date(2027, 1, 4), "Europe/Berlin", now) == "Mon 4 Jan 2027"
