"""Natural phrases through the CLI: `aurelius parse`, and whole-line task/remind/cal add."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli.main import app
from tests.e2e.conftest import Run, as_json


def test_parse_json_resolves_times_in_the_given_zone() -> None:
    result = CliRunner().invoke(app, ["parse", "lunch with Sara friday 1pm for 90 minutes",
                                      "--now", "2026-03-10T09:00", "--tz", "Europe/Berlin",
                                      "--json"])
    assert result.exit_code == 0, result.output
    parsed = json.loads(result.stdout)
    assert parsed["intent"] == "event.add"
    assert parsed["slots"]["start"] == "2026-03-13T13:00:00+01:00"
    assert parsed["slots"]["end"] == "2026-03-13T14:30:00+01:00"
    assert parsed["slots"]["attendees"] == ["Sara"]


def test_parse_human_view_names_weekday_and_zone() -> None:
    result = CliRunner().invoke(app, ["parse", "remind me to call mom tomorrow at 5",
                                      "--now", "2026-03-10T09:00", "--tz", "America/New_York"])
    assert result.exit_code == 0, result.output
    assert "reminder.add" in result.stdout
    assert "Wed 11 Mar 2026 17:00 America/New_York" in result.stdout


def test_parse_batch_answers_every_line_in_order() -> None:
    lines = [
        {"id": "a", "text": "buy milk tomorrow p1 #errands", "now": "2026-03-10T09:00:00",
         "tz": "Europe/Berlin"},
        "{not json",
        {"id": "c", "text": "what's on my calendar friday", "now": "2026-03-10T09:00:00",
         "tz": "Nowhere/Zone"},
        {"id": "d", "text": "how does SMTP work?", "now": "2026-03-10T09:00:00",
         "tz": "Europe/Berlin"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    result = CliRunner().invoke(app, ["parse", "--batch", "-"], input=stdin)
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o.get("id") for o in out] == ["a", None, "c", "d"]
    assert out[0]["intent"] == "task.add" and out[0]["slots"]["due"] == "2026-03-11"
    assert "error" in out[1] and "error" in out[2]
    assert out[3]["intent"] == "chat"


def test_task_add_reads_the_whole_line(run: Run) -> None:
    out = run("task", "add", "Buy milk tomorrow p1 #errands").stdout
    assert "Added #1 Buy milk, due Wed 11 Mar" in out
    task = as_json(run("task", "list", "--json"))[0]  # type: ignore[index]
    assert (task["title"], task["priority"], task["tags"]) == ("Buy milk", 1, ["errands"])
    out = run("task", "add", "Read 1984 on friday", "--raw").stdout
    assert "Added #2 Read 1984 on friday." in out
    out = run("task", "add", "Water plants every other monday").stdout
    assert "repeats FREQ=WEEKLY;INTERVAL=2;BYDAY=MO" in out
    assert "due Mon 16 Mar" in out


def test_natural_option_values(run: Run) -> None:
    out = run("task", "add", "Renew passport", "--due", "friday 5pm").stdout
    assert "due Fri 13 Mar 17:00 Europe/Berlin" in out


def test_remind_with_the_time_in_the_text(run: Run) -> None:
    out = run("remind", "call mom in 2 hours").stdout
    assert "Reminder #1 'call mom' at Tue 10 Mar 11:00 Europe/Berlin" in out
    assert "When should I remind you" in run("remind", "call mom", ok=False).stderr
    out = run("remind", "add", "pay rent", "--at", "2026-04-01").stdout
    assert "Wed 1 Apr 09:00 Europe/Berlin" in out


def test_cal_add_reads_the_whole_line(run: Run) -> None:
    out = run("cal", "add", "lunch with Sara friday 1pm for 90 minutes").stdout
    assert "lunch with Sara: Fri 13 Mar 13:00 – 14:30 Europe/Berlin" in out
    event = as_json(run("cal", "agenda", "--json"))[0]  # type: ignore[index]
    assert event["start"] == "2026-03-13T13:00:00+01:00"
    out = run("cal", "add", "Team offsite", "--start", "2026-03-29").stdout
    assert "Sun 29 Mar (all day)" in out
    assert "When is it?" in run("cal", "add", "Something", ok=False).stderr
