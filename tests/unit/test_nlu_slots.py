"""Titles, quick-add tokens, attendees and email parts."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.nlu import parse
from core.nlu.batch import serialise

NOW = datetime(2026, 3, 10, 9, 0)


def slots(text: str) -> dict[str, object]:
    return serialise(parse(text, NOW, "Europe/Berlin").slots, "Europe/Berlin")


@pytest.mark.parametrize(("text", "title"), [
    ("remind me to call mom tomorrow at 6pm", "call mom"),
    ("remind me about the webinar tmrw at noon", "the webinar"),
    ("pls add task buy xmas tree in 3 days", "buy xmas tree"),
    ("add task 'Call insurance re: claim #4471'", "Call insurance re: claim #4471"),
    ("don't forget to buy a gift for Tom's farewell on thursday", "buy a gift for Tom's farewell"),
    ("chek the oven in 10 minutes", "chek the oven"),
    ("lunch with Sara and Tom tomorrow at 1", "lunch with Sara and Tom"),
    ("Meeting w/ Sarah @ 3pm tmrw", "Meeting w/ Sarah"),
    ("task: prepare slides for tuesday's meeting", "prepare slides for tuesday's meeting"),
    ("done: renew passport", "renew passport"),
])
def test_title(text: str, title: str) -> None:
    assert slots(text).get("title") == title


@pytest.mark.parametrize(("text", "expected"), [
    ("book flights p1 #travel #work", {"priority": 1, "tags": ["travel", "work"]}),
    ("write notes @home p3 tomorrow", {"priority": 3, "tags": ["home"]}),
    ("URGENT fix the login bug #backend", {"priority": 1, "tags": ["backend"]}),
    ("review Q1 budget high priority project Finance",
     {"priority": 1, "project": "Finance", "title": "review Q1 budget"}),
    ("update the website Marketing project p3",
     {"project": "Marketing", "title": "update the website", "priority": 3}),
    ("add 'prepare budget' to the Operations project p2", {"project": "Operations"}),
])
def test_quick_add_tokens(text: str, expected: dict[str, object]) -> None:
    got = slots(text)
    assert {k: got.get(k) for k in expected} == expected


def test_a_number_sign_inside_a_title_is_not_a_tag() -> None:
    assert "tags" not in slots("add task 'Call insurance re: claim #4471'")


@pytest.mark.parametrize(("text", "people"), [
    ("meeting with Tom and Ana on monday at 2pm", ["Tom", "Ana"]),
    ("schedule a call with bob@acme.com monday 3pm", ["bob@acme.com"]),
    ("coffee with Priya at 3:30 today", ["Priya"]),
])
def test_attendees(text: str, people: list[str]) -> None:
    assert slots(text).get("attendees") == people


def test_event_duration_sets_the_end() -> None:
    got = slots("lunch with Sara friday 1pm for 90 minutes")
    assert got["start"] == "2026-03-13T13:00:00+01:00"
    assert got["end"] == "2026-03-13T14:30:00+01:00"
    assert got["duration_minutes"] == 90


def test_block_off_an_afternoon_takes_the_whole_range() -> None:
    got = slots("block off friday afternoon for offsite planning")
    assert (got["start"], got["end"]) == ("2026-03-13T12:00:00+01:00", "2026-03-13T17:00:00+01:00")
    assert got["title"] == "offsite planning"


@pytest.mark.parametrize(("text", "expected"), [
    ("email bob@acme.com that the report is late",
     {"to": ["bob@acme.com"], "body": "the report is late"}),
    ("email the team: standup is cancelled today",
     {"to": ["the team"], "body": "standup is cancelled today"}),
    ("send an email to Tom with subject Budget: please review by Friday",
     {"to": ["Tom"], "subject": "Budget", "body": "please review by Friday"}),
    ("write an email to hr@corp.com re: vacation days",
     {"to": ["hr@corp.com"], "subject": "vacation days"}),
    ("email Ana and Luis: lunch is on me", {"to": ["Ana", "Luis"], "body": "lunch is on me"}),
    ("reply to Tom's email saying yes", {"to": ["Tom"], "body": "yes"}),
])
def test_email_parts(text: str, expected: dict[str, object]) -> None:
    got = slots(text)
    assert {k: got.get(k) for k in expected} == expected


@pytest.mark.parametrize(("text", "query"), [
    ("find emails from Stripe about invoices", {"from:stripe", "invoices"}),
    ("find unread emails from Amazon", {"from:amazon", "is:unread"}),
    ("any emails from HR with attachments?", {"from:hr", "has:attachment"}),
    ("where's the confirmation email from booking.com", {"from:booking.com", "confirmation"}),
])
def test_email_query(text: str, query: set[str]) -> None:
    got = slots(text).get("query")
    assert isinstance(got, str) and set(got.split()) == query
