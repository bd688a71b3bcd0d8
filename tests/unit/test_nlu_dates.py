"""Date and time conventions of the offline parser (README of the eval set)."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.nlu import parse
from core.nlu.batch import serialise

BERLIN = "Europe/Berlin"
NEW_YORK = "America/New_York"
TUE = "2026-03-10T09:00:00"  # Tuesday


def slot(text: str, name: str, now: str = TUE, tz: str = BERLIN) -> object:
    parsed = parse(text, datetime.fromisoformat(now), tz)
    return serialise(parsed.slots, tz).get(name)


@pytest.mark.parametrize(("text", "due"), [
    ("buy milk tomorrow", "2026-03-11"),
    ("buy milk friday", "2026-03-13"),
    ("buy milk this friday", "2026-03-13"),
    ("buy milk tuesday", "2026-03-17"),  # a bare weekday is strictly after today
    ("buy milk next friday", "2026-03-20"),  # the weekday of the next Monday-start week
    ("buy milk next monday", "2026-03-16"),
    ("buy milk monday next week", "2026-03-16"),
    ("buy milk next week", "2026-03-16"),
    ("buy milk this weekend", "2026-03-14"),
    ("buy milk end of the month", "2026-03-31"),
    ("buy milk end of next month", "2026-04-30"),
    ("buy milk end of week", "2026-03-13"),
    ("buy milk by friday", "2026-03-13"),
    ("buy milk on the 5th", "2026-04-05"),
    ("buy milk on the 20th", "2026-03-20"),
    ("buy milk in 3 days", "2026-03-13"),
    ("buy milk in 2 weeks", "2026-03-24"),
    ("buy milk a week from today", "2026-03-17"),
    ("buy milk the day after tomorrow", "2026-03-12"),
    ("buy milk dec 3", "2026-12-03"),
    ("buy milk 3rd of december", "2026-12-03"),
    ("buy milk 3/12", "2026-03-12"),  # month first
    ("buy milk 25/12", "2026-12-25"),  # no 25th month: day first
    ("buy milk 2026-05-15", "2026-05-15"),
    ("buy milk tmrw", "2026-03-11"),
    ("buy milk thurs", "2026-03-12"),
    ("buy milk nxt week", "2026-03-16"),
    ("plan party for Saturday 6/20", "2026-06-20"),
    ("buy milk later today", "2026-03-10"),
])
def test_due_dates_are_date_only(text: str, due: str) -> None:
    assert slot(text, "due") == due


def test_jan_5_on_dec_30_is_next_year() -> None:
    assert slot("renew car insurance jan 5", "due", "2026-12-30T14:00:00") == "2027-01-05"


def test_end_of_month_on_the_last_day_is_today() -> None:
    assert slot("pay rent end of the month", "due", "2026-04-30T16:00:00") == "2026-04-30"


def test_this_weekend_on_saturday_is_today() -> None:
    assert slot("clean gutters this weekend", "due", "2026-03-28T10:00:00") == "2026-03-28"


@pytest.mark.parametrize(("text", "due"), [
    ("call mom tomorrow at 6pm", "2026-03-11T18:00:00+01:00"),
    ("call mom tomorrow evening", "2026-03-11T19:00:00+01:00"),
    ("call mom tomorrow morning", "2026-03-11T09:00:00+01:00"),
    ("call mom sunday afternoon", "2026-03-15T14:00:00+01:00"),
    ("call mom tonight", "2026-03-10T19:00:00+01:00"),
    ("call mom at noon", "2026-03-10T12:00:00+01:00"),
    ("call mom at midnight", "2026-03-11T00:00:00+01:00"),
    ("send the NDA by EOD", "2026-03-10T17:00:00+01:00"),
    ("call mom at 3", "2026-03-10T15:00:00+01:00"),  # bare 1-6 is pm
    ("call mom tomorrow at 9", "2026-03-11T09:00:00+01:00"),  # bare 7-11 is am
    ("call mom tomorrow at 12", "2026-03-11T12:00:00+01:00"),
    ("call mom tomorrow @ 8", "2026-03-11T08:00:00+01:00"),
    ("call mom in 2 days at 8am", "2026-03-12T08:00:00+01:00"),
    ("call mom tomorrow at this time", "2026-03-11T09:00:00+01:00"),
    ("call mom 2026-04-02T10:00", "2026-04-02T10:00:00+02:00"),
])
def test_due_with_a_time_is_a_datetime(text: str, due: str) -> None:
    assert slot(text, "due") == due


@pytest.mark.parametrize(("text", "now", "tz", "expected"), [
    # spring forward, Berlin 2026-03-29 02:00 -> 03:00
    ("remind me in 20 hrs to feed the cat", "2026-03-28T10:00:00", BERLIN,
     "2026-03-29T07:00:00+02:00"),
    ("remind me in 24 hours to x", "2026-03-28T10:00:00", BERLIN, "2026-03-29T11:00:00+02:00"),
    # spring forward, New York 2026-03-08
    ("remind me in 6 hours to x", "2026-03-07T22:00:00", NEW_YORK, "2026-03-08T05:00:00-04:00"),
    ("remind me in 24 hours to x", "2026-03-07T22:00:00", NEW_YORK, "2026-03-08T23:00:00-04:00"),
    # fall back, Berlin 2026-10-25 03:00 -> 02:00
    ("remind me in 24 hours to x", "2026-10-24T11:00:00", BERLIN, "2026-10-25T10:00:00+01:00"),
    ("remind me in 4 hours to x", "2026-10-24T22:30:00", BERLIN, "2026-10-25T02:30:00+02:00"),
    ("remind me in 5 hours to x", "2026-10-24T22:30:00", BERLIN, "2026-10-25T02:30:00+01:00"),
    # fall back, New York 2026-11-01
    ("remind me in 8 hours to x", "2026-10-31T18:00:00", NEW_YORK, "2026-11-01T01:00:00-05:00"),
    ("remind me in half an hour to x", "2026-10-31T18:00:00", NEW_YORK,
     "2026-10-31T18:30:00-04:00"),
    ("remind me in 1.5 hours to x", "2026-10-31T18:00:00", NEW_YORK, "2026-10-31T19:30:00-04:00"),
    ("remind me 10 minutes from now to x", "2026-10-31T18:00:00", NEW_YORK,
     "2026-10-31T18:10:00-04:00"),
])
def test_in_n_hours_is_elapsed_time_across_dst(text: str, now: str, tz: str,
                                               expected: str) -> None:
    assert slot(text, "remind_at", now, tz) == expected


def test_wall_time_in_a_dst_gap_moves_to_the_end_of_the_gap() -> None:
    got = slot("remind me tomorrow at 2:30am to x", "remind_at", "2026-03-28T10:00:00")
    assert got == "2026-03-29T03:00:00+02:00"
    got = slot("remind me tomorrow at 2:30am to x", "remind_at", "2026-03-07T10:00:00", NEW_YORK)
    assert got == "2026-03-08T03:00:00-04:00"


def test_wall_time_in_an_overlap_is_the_earlier_instant() -> None:
    got = slot("remind me tomorrow at 2:30am to x", "remind_at", "2026-10-24T10:00:00")
    assert got == "2026-10-25T02:30:00+02:00"
    got = slot("remind me tomorrow at 1:30am to x", "remind_at", "2026-10-31T10:00:00", NEW_YORK)
    assert got == "2026-11-01T01:30:00-04:00"


@pytest.mark.parametrize(("text", "expected"), [
    ("remind me at 9am IST tomorrow to x", "2026-03-11T03:30:00+00:00"),
    ("remind me at 10am eastern tomorrow to x", "2026-03-11T14:00:00+00:00"),
    ("remind me tomorrow at 17:00 CET to x", "2026-03-11T16:00:00+00:00"),
    ("call with the London office at 4pm their time tomorrow", "2026-03-11T16:00:00+00:00"),
])
def test_other_zones_give_the_instant(text: str, expected: str) -> None:
    name = "start" if text.startswith("call") else "remind_at"
    got = slot(text, name)
    assert isinstance(got, str)
    assert datetime.fromisoformat(got) == datetime.fromisoformat(expected)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("what's on my calendar tomorrow", "2026-03-11T00:00:00+01:00", "2026-03-12T00:00:00+01:00"),
    ("show my schedule for next week", "2026-03-16T00:00:00+01:00", "2026-03-23T00:00:00+01:00"),
    ("what's on my agenda this week", "2026-03-09T00:00:00+01:00", "2026-03-16T00:00:00+01:00"),
    ("calendar for next month", "2026-04-01T00:00:00+02:00", "2026-05-01T00:00:00+02:00"),
    ("show events between march 16 and march 20", "2026-03-16T00:00:00+01:00",
     "2026-03-21T00:00:00+01:00"),
    ("what's on thursday afternoon", "2026-03-12T12:00:00+01:00", "2026-03-12T17:00:00+01:00"),
    ("what's happening this evening", "2026-03-10T17:00:00+01:00", "2026-03-10T22:00:00+01:00"),
    ("what's on my calendar this weekend", "2026-03-14T00:00:00+01:00",
     "2026-03-16T00:00:00+01:00"),
    ("am I free between 2 and 4 tomorrow", "2026-03-11T14:00:00+01:00",
     "2026-03-11T16:00:00+01:00"),
    ("list events for november", "2026-11-01T00:00:00+01:00", "2026-12-01T00:00:00+01:00"),
])
def test_ranges(text: str, start: str, end: str) -> None:
    assert (slot(text, "start"), slot(text, "end")) == (start, end)


def test_a_dst_day_runs_23_or_25_hours() -> None:
    now = "2026-03-28T10:00:00"
    assert slot("any meetings tomorrow?", "end", now) == "2026-03-30T00:00:00+02:00"
    now = "2026-10-24T10:00:00"
    assert slot("any meetings tomorrow?", "start", now) == "2026-10-25T00:00:00+02:00"
    assert slot("any meetings tomorrow?", "end", now) == "2026-10-26T00:00:00+01:00"


def test_point_in_time_availability_has_only_a_start() -> None:
    assert slot("am I free friday at 3pm", "start") == "2026-03-13T15:00:00+01:00"
    assert slot("am I free friday at 3pm", "end") is None
