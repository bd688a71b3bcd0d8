"""A doubtful reading is echoed and confirmed before anything is added (issue #16), offline:
the CLI asks `[y/N]` (`--yes` for scripts), `ask` holds the add until yes, and a request of
several steps says a model is needed (the README example, issue #17)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.e2e.conftest import Run, as_json
from tests.e2e.test_installed_command import aurelius

DOUBTFUL = "call Bob Thu 15th"  # on Tue 10 Mar 2026 the next Thursday 15th is in October
QUESTION = 'Remind "call Bob" on Thu 15 Oct 09:00 Europe/Berlin? [y/N]'


def reminders(run: Run) -> list[dict[str, object]]:
    return as_json(run("remind", "list", "--json"))  # type: ignore[return-value]


def test_the_cli_echoes_a_doubtful_reminder_and_adds_it_on_yes(run: Run) -> None:
    out = run("remind", DOUBTFUL, input="y\n").output
    assert "Not sure I read that right (the next thursday 15th is Thu 15 Oct 2026)" in out
    assert QUESTION in out
    [made] = reminders(run)
    assert made["title"] == "call Bob"
    assert str(made["remind_at"]).startswith("2026-10-15T09:00:00+02:00")


@pytest.mark.parametrize("answer", ["n\n", ""])  # "no", and no answer at all (a script)
def test_no_or_no_answer_adds_nothing_and_exits_1(run: Run, answer: str) -> None:
    out = run("remind", "add", DOUBTFUL, input=answer, ok=False).output
    assert "Nothing added." in out and "--yes" in out
    assert "Traceback" not in out
    assert reminders(run) == []


def test_yes_flag_accepts_the_reading_without_asking(run: Run) -> None:
    out = run("remind", DOUBTFUL, "--yes").output
    assert "[y/N]" not in out
    assert len(reminders(run)) == 1


def test_a_confident_reading_or_an_explicit_time_is_not_asked_about(run: Run) -> None:
    assert "[y/N]" not in run("remind", "call Bob tomorrow at 9am").output
    assert "[y/N]" not in run("remind", "call Bob 3", "--at", "2026-03-11 10:00").output
    assert len(reminders(run)) == 2


def test_task_and_event_adds_ask_too(run: Run) -> None:
    task = run("task", "add", "call Bob 3 tomorrow", input="y\n").output
    assert 'Add task "call Bob 3" due Wed 11 Mar? [y/N]' in task
    assert "[y/N]" not in run("task", "add", "read chapter 3").output  # no time: just a title
    event = run("cal", "add", "lunch with Bob Thu 15th 1pm", input="n\n", ok=False).output
    assert 'Add event "lunch with Bob" at Thu 15 Oct 13:00 Europe/Berlin? [y/N]' in event
    assert as_json(run("cal", "agenda", "--json")) == []


def test_ask_offline_holds_a_doubtful_add_until_yes(run: Run) -> None:
    held = run("ask", "remind me to call Bob Thu 15th").output
    assert 'Remind "call Bob" on Thu 15 Oct 2026?' in held
    assert "aurelius ask edit" in held
    assert reminders(run) == []
    assert "Reminder #1" in run("ask", "yes").output
    assert reminders(run)[0]["title"] == "call Bob"


def test_ask_offline_edit_drops_the_held_add(run: Run) -> None:
    run("ask", "remind me to call Bob Thu 15th")
    assert "Say it again" in run("ask", "edit").output
    assert reminders(run) == []


def test_readme_multi_step_example_says_a_model_is_needed(run: Run) -> None:
    out = run("ask", "move my dentist appointment to thursday same time and remind me the "
              "day before").output
    assert "several steps" in out and "A model is needed" in out
    assert reminders(run) == []


def test_installed_parse_json_carries_the_checked_fields(isolated_home: Path) -> None:
    done = aurelius(isolated_home, "parse", "remind me to call Bob Thu 15th", "--json",
                    "--now", "2026-03-10T09:00", "--tz", "Europe/Berlin")
    assert done.returncode == 0, done.stderr
    line = json.loads(done.stdout)
    assert line["confident"] is False and line["confidence"] < 0.7
    assert line["doubts"] == ["the next thursday 15th is Thu 15 Oct 2026"]


def test_parse_batch_lines_carry_the_checked_fields(run: Run) -> None:
    line = json.dumps({"id": "x", "text": "buy milk tomorrow", "now": "2026-03-10T09:00:00",
                       "tz": "Europe/Berlin"})
    [out] = [json.loads(x) for x in run("parse", "--batch", "-", input=line + "\n").stdout
             .splitlines()]
    assert {"id", "intent", "slots", "confidence", "doubts", "confident"} <= set(out)
    assert out["confident"] is True and out["doubts"] == []
