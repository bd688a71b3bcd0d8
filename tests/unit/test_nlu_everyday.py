"""Everyday phrasing: lists, mail questions, filler words and voice-style text (issue #16)."""

from __future__ import annotations

from datetime import datetime

import pytest

from core.nlu import parse
from core.nlu.batch import serialise

BERLIN = "Europe/Berlin"
NOW = datetime(2026, 3, 10, 9, 0)


def reading(text: str) -> tuple[str, dict[str, object]]:
    parsed = parse(text, NOW, BERLIN)
    return parsed.intent, serialise(parsed.slots, BERLIN)


@pytest.mark.parametrize(("text", "title", "project"), [
    ("add milk to my grocery list", "milk", "grocery"),
    ("put eggs on my shopping list", "eggs", "shopping"),
    ("hey can you please add bread to the shopping list", "bread", "shopping"),
])
def test_adding_to_a_named_list_is_a_task_on_that_project(text: str, title: str,
                                                          project: str) -> None:
    intent, slots = reading(text)
    assert intent == "task.add"
    assert (slots["title"], slots["project"]) == (title, project)


@pytest.mark.parametrize(("text", "intent"), [
    ("what are the meetings scheduled today", "event.list"),
    ("has jane emailed me", "email.search"),
    ("how many new emails today", "email.search"),
    ("any mail from the bank", "email.search"),
    ("start an email to Tom", "email.send"),
    ("reply to Anna", "email.send"),
    ("tell me a joke", "chat"),
])
def test_everyday_intents(text: str, intent: str) -> None:
    assert reading(text)[0] == intent


def test_the_sender_of_has_x_emailed_me() -> None:
    assert reading("has jane emailed me")[1]["query"] == "from:jane"


@pytest.mark.parametrize("text", [
    "Remind me at 10am to call mom",
    "remind me at 10am to call mom",
    "hey please remind me at 10am to call mom",
    "can you remind me at ten a m to call mom",
    "remind me at ten am to call mom please",
])
def test_case_filler_and_voice_style_do_not_matter(text: str) -> None:
    intent, slots = reading(text)
    assert intent == "reminder.add"
    assert slots == {"title": "call mom", "remind_at": "2026-03-10T10:00:00+01:00"}
