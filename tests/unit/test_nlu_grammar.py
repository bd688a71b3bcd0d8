"""The broad time grammar, family by family, from the examples of issue #16.

Reference: Tuesday 10 March 2026, 09:00 in Berlin (UTC+1 until 29 March), the conventions of
the eval README. Each line reads "remind me to call Bob <phrase>": the title must come out as
"call Bob" (nothing of the phrase left behind) and `remind_at` as shown.
"""

from __future__ import annotations

from datetime import datetime

import pytest

from core.nlu import Parsed, parse
from core.nlu.batch import serialise

BERLIN = "Europe/Berlin"
NOW = datetime(2026, 3, 10, 9, 0)  # a Tuesday


def read(text: str, dayfirst: bool = False) -> Parsed:
    return parse(text, NOW, BERLIN, dayfirst=dayfirst)


def reminder(phrase: str, dayfirst: bool = False) -> tuple[object, object]:
    parsed = read(f"remind me to call Bob {phrase}", dayfirst)
    assert parsed.intent == "reminder.add"
    slots = serialise(parsed.slots, BERLIN)
    return slots.get("title"), slots.get("remind_at")


FAMILIES = {
    "ordinals": [
        ("the 3rd", "2026-04-03"), ("the third of march", "2027-03-03"),
        ("march first", "2027-03-01"), ("1st of march", "2027-03-01"),
        ("the 20th of next month", "2026-04-20"), ("20th of this month", "2026-03-20"),
        ("twenty third of october", "2026-10-23"),
    ],
    "nth weekday": [
        ("first tuesday of october", "2026-10-06"),
        ("third tuesday of september 2014", "2014-09-16"),
        ("last monday of march", "2026-03-30"), ("last friday of the month", "2026-03-27"),
    ],
    "weekday and date": [
        ("Thu 15th", "2026-10-15"), ("Tue, Mar 17", "2026-03-17"),
        ("Sunday, Feb 10", "2027-02-10"), ("Fri, Jul 18", "2025-07-18"),
    ],
    "relative days": [
        ("the day before yesterday", "2026-03-08"), ("the day after tomorrow", "2026-03-12"),
        ("in a fortnight", "2026-03-24"), ("a week from monday", "2026-03-23"),
        ("sunday from last week", "2026-03-08"), ("last week's sunday", "2026-03-08"),
        ("last tuesday", "2026-03-03"), ("3 days ago", "2026-03-07"),
    ],
    "numeric and written dates": [
        ("2015-3-3", "2015-03-03"), ("3/3/2015", "2015-03-03"), ("10.31.1974", "1974-10-31"),
        ("31-Oct-74", "1974-10-31"), ("14april 2015", "2015-04-14"),
        ("march 3 2015", "2015-03-03"), ("march 3rd, 2015", "2015-03-03"),
    ],
    "minutes around an hour": [
        ("a quarter past 3pm", "2026-03-10T15:15:00+01:00"),
        ("20 past 3", "2026-03-10T15:20:00+01:00"),
        ("a quarter to noon", "2026-03-10T11:45:00+01:00"),
        ("20 minutes to 2pm tomorrow", "2026-03-11T13:40:00+01:00"),
        ("half past three", "2026-03-10T15:30:00+01:00"),
        ("at half 3", "2026-03-10T15:30:00+01:00"),
    ],
    "hour with a part of day": [
        ("8 tonight", "2026-03-10T20:00:00+01:00"), ("8 this evening", "2026-03-10T20:00:00+01:00"),
        ("9 tomorrow evening", "2026-03-11T21:00:00+01:00"),
        ("3 in the morning", "2026-03-11T03:00:00+01:00"),
        ("at 730 in the evening", "2026-03-10T19:30:00+01:00"),
    ],
    "counted periods": [
        ("3 fridays from now", "2026-03-27"), ("a week hence", "2026-03-17"),
        ("in three months", "2026-06-10"),
    ],
    "named zones": [
        ("9 am BST", "2026-03-10T10:00:00+01:00"), ("10am eastern", "2026-03-10T15:00:00+01:00"),
        ("17:00 CET", "2026-03-10T17:00:00+01:00"), ("noon UTC", "2026-03-10T13:00:00+01:00"),
    ],
    "times": [
        ("16h00", "2026-03-10T16:00:00+01:00"), ("16h", "2026-03-10T16:00:00+01:00"),
        ("13h30", "2026-03-10T13:30:00+01:00"), ("at 1600", "2026-03-10T16:00:00+01:00"),
        ("at 1030", "2026-03-10T10:30:00+01:00"), ("at 3 15", "2026-03-10T15:15:00+01:00"),
        ("ten thirty am", "2026-03-10T10:30:00+01:00"),
        ("seven thirty p.m.", "2026-03-10T19:30:00+01:00"),
        ("at 3 in the AM", "2026-03-11T03:00:00+01:00"),
        ("3 o'clock am", "2026-03-11T03:00:00+01:00"), ("noon", "2026-03-10T12:00:00+01:00"),
        ("midnight", "2026-03-11T00:00:00+01:00"),
        ("this morning at 3", "2026-03-10T03:00:00+01:00"),
        ("tonight at 9", "2026-03-10T21:00:00+01:00"),
        ("at this time tomorrow", "2026-03-11T09:00:00+01:00"),
    ],
    "number words": [
        ("ten am", "2026-03-10T10:00:00+01:00"), ("at three", "2026-03-10T15:00:00+01:00"),
        ("in two hours", "2026-03-10T11:00:00+01:00"),
        ("in fifteen minutes", "2026-03-10T09:15:00+01:00"),
        ("at ten a m", "2026-03-10T10:00:00+01:00"),
    ],
    "holidays": [
        ("on new year's day", "2027-01-01"), ("new year's eve", "2026-12-31"),
        ("valentine's day", "2027-02-14"), ("easter", "2026-04-05"),
        ("mother's day", "2026-05-10"), ("father's day", "2026-06-21"),
        ("memorial day", "2026-05-25"), ("independence day", "2026-07-04"),
        ("labor day", "2026-09-07"), ("halloween", "2026-10-31"),
        ("thanksgiving", "2026-11-26"), ("christmas eve", "2026-12-24"),
        ("on christmas day", "2026-12-25"), ("boxing day", "2026-12-26"),
        ("the day after christmas", "2026-12-26"),
        ("third tuesday after christmas", "2027-01-12"),
    ],
}
CASES = [(family, phrase, value) for family, rows in FAMILIES.items() for phrase, value in rows]


@pytest.mark.parametrize(("family", "phrase", "expected"), CASES,
                         ids=[f"{f}: {p}" for f, p, _ in CASES])
def test_each_family_reads_the_whole_phrase(family: str, phrase: str, expected: str) -> None:
    assert reminder(phrase) == ("call Bob", expected)


def test_dayfirst_is_honoured_for_numeric_dates() -> None:
    assert reminder("3/4/2015", dayfirst=True) == ("call Bob", "2015-04-03")
    assert reminder("3/4/2015") == ("call Bob", "2015-03-04")


def span(text: str) -> tuple[object, object]:
    parsed = read(text)
    assert parsed.intent in ("event.list", "event.free"), parsed
    slots = serialise(parsed.slots, BERLIN)
    return slots.get("start"), slots.get("end")


@pytest.mark.parametrize(("text", "start", "end"), [
    ("am I free from 3 to 5pm", "2026-03-10T15:00:00+01:00", "2026-03-10T17:00:00+01:00"),
    ("what's on my calendar between monday and wednesday", "2026-03-16T00:00:00+01:00",
     "2026-03-19T00:00:00+01:00"),
    ("what's on this weekend", "2026-03-14T00:00:00+01:00", "2026-03-16T00:00:00+01:00"),
    ("what's on my calendar the next two weeks", "2026-03-10T00:00:00+01:00",
     "2026-03-24T00:00:00+01:00"),
    ("show meetings the upcoming two days", "2026-03-10T00:00:00+01:00",
     "2026-03-12T00:00:00+01:00"),
    ("what's on tomorrow morning", "2026-03-11T08:00:00+01:00", "2026-03-11T12:00:00+01:00"),
    ("show my meetings yesterday morning", "2026-03-09T08:00:00+01:00",
     "2026-03-09T12:00:00+01:00"),
    ("what meetings did I have 3 days ago", "2026-03-07T00:00:00+01:00",
     "2026-03-08T00:00:00+01:00"),
])
def test_intervals_for_lists_and_free_time(text: str, start: str, end: str) -> None:
    assert span(text) == (start, end)
