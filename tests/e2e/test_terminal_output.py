"""Stored text never drives the terminal: titles with OSC/CSI sequences, C1 controls and
bidi overrides are printed escaped by `task list`, `cal agenda`, errors and JSON."""

from __future__ import annotations

import json
from datetime import timedelta

from aurelius.bootstrap import Services
from core.services.calendars import NewEvent
from tests.conftest import NOW
from tests.e2e.conftest import Run

HOSTILE = "pay\x1b]0;owned\x07 rent\x1b[2J\x9b1m\u202e"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def test_lists_and_agenda_escape_control_characters(run: Run) -> None:
    run("task", "add", HOSTILE, "--due", "2026-03-11")
    shown = run("task", "list").stdout
    assert not any(char in shown for char in RAW)
    assert "pay\\u001b]0;owned\\u0007 rent" in shown
    assert json.loads(run("task", "list", "--json").stdout)[0]["title"] == HOSTILE
    failed = run("task", "done", "99", ok=False)
    assert not any(char in failed.output for char in RAW)


def test_imported_summaries_are_escaped_in_the_agenda(run: Run, services: Services,
                                                      user_id: int) -> None:
    start = NOW + timedelta(hours=2)
    services.calendar.add(user_id, NewEvent(HOSTILE, start, start + timedelta(hours=1),
                                            location="room\x1b[31m 1"))
    shown = run("cal", "agenda").stdout
    assert not any(char in shown for char in RAW) and "\\u001b[2J" in shown
