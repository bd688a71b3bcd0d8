"""Calibrated confidence: `Parsed.doubts`, `confident`, and the fields every JSON line carries."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from core.nlu import parse
from core.nlu.batch import run_batch
from core.nlu.doubts import CONFIDENT

BERLIN = "Europe/Berlin"
NOW = datetime(2026, 3, 10, 9, 0)  # Tuesday


@pytest.mark.parametrize(("text", "reason"), [
    ("remind me to call Bob Thu 15th", "the next thursday 15th is Thu 15 Oct 2026"),
    ("remind me to call Bob Sunday, Feb 10", "Wed 10 Feb 2027 is not a sunday"),
    ("remind me to call Bob day before yesterday 8am", "that time has already passed"),
    ("remind me to call Bob last tuesday", "that day has already passed"),
    ("remind me to call Bob 3 tomorrow", "unread date or time words in the title: 3"),
    ("remind me to call Bob on the 3rd tuesday", "two different days"),
    ("remind me at 3pm to call Bob at 5pm", "two different times"),
    ("move my dentist appointment to thursday same time and remind me the day before",
     "several steps in one request"),
    ("asdf qwerty", "not sure what you want done"),
    ("remind me to buy 2 bottles of wine", "no time given"),
    ("remind me to call Bob 15 minutes before the meeting",
     "unread date or time words in the title: minutes before"),
])
def test_a_doubt_is_recorded_and_lowers_confidence(text: str, reason: str) -> None:
    parsed = parse(text, NOW, BERLIN)
    assert reason in parsed.doubts
    assert parsed.confidence < CONFIDENT
    assert not parsed.confident


@pytest.mark.parametrize("text", [
    "remind me tomorrow at 9am to call Bob",
    "buy milk friday p1 #errands",
    "lunch with Sara friday 1pm for 90 minutes",
    "what's on my calendar tomorrow",
    "remind me to call Bob the third of march",
    "remind me to call Bob first tuesday of october",
])
def test_a_fully_read_request_is_confident(text: str) -> None:
    parsed = parse(text, NOW, BERLIN)
    assert parsed.doubts == ()
    assert parsed.confidence >= CONFIDENT and parsed.confident


def test_a_number_in_an_untimed_title_is_no_doubt_for_task_add() -> None:
    from core.nlu.doubts import about_reading

    assert about_reading(parse("read chapter 3", NOW, BERLIN).doubts) == []


def test_confident_is_false_for_what_offline_cannot_do() -> None:
    email = parse("email Tom that I'm late", NOW, BERLIN)
    assert email.intent == "email.send" and email.doubts == () and not email.confident


def test_every_batch_line_carries_confidence_doubts_and_confident() -> None:
    lines = [json.dumps({"id": i, "text": text, "now": "2026-03-10T09:00:00", "tz": BERLIN})
             for i, text in enumerate(["remind me to call Bob Thu 15th", "buy milk tomorrow"])]
    doubtful, sure = (json.loads(line) for line in run_batch(lines))
    assert doubtful["confident"] is False and doubtful["confidence"] < CONFIDENT
    assert doubtful["doubts"] == ["the next thursday 15th is Thu 15 Oct 2026"]
    assert doubtful["slots"]["remind_at"] == "2026-10-15"
    assert sure["confident"] is True and sure["doubts"] == [] and sure["confidence"] >= 0.7


def test_never_raises_still_gives_a_doubt() -> None:
    parsed = parse("\x00" * 5000, NOW, BERLIN)
    assert not parsed.confident
