"""The `aurelius` command end to end through Typer's runner, on every test database."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.conftest import ZONE
from tests.e2e.conftest import Run, as_json


def test_task_workflow(run: Run) -> None:
    added = run(
        "task",
        "add",
        "Renew passport",
        "--due",
        "2026-12-01",
        "--priority",
        "1",
        "--tag",
        "admin",
        "--project",
        "home",
    )
    assert "Added #1 Renew passport, due Tue 1 Dec" in added.stdout
    run("task", "add", "Water plants", "--due", "2026-03-12", "--repeat", "FREQ=WEEKLY;BYDAY=TH")
    tasks = as_json(run("task", "list", "--json"))
    assert isinstance(tasks, list) and len(tasks) == 2
    first = tasks[0]
    assert {"id", "title", "status", "priority", "due", "tags", "project", "recurrence"} <= set(
        first
    )
    assert first["title"] == "Renew passport" and first["due"] == "2026-12-01"
    assert first["tags"] == ["admin"] and first["project"] == "home" and first["priority"] == 1

    done = run("task", "done", "2")
    assert "Next: #3 due Thu 19 Mar" in done.stdout
    assert [t["id"] for t in as_json(run("task", "list", "--json"))] == [1, 3]
    assert "Undid complete" in run("task", "undo").stdout
    assert [t["id"] for t in as_json(run("task", "list", "--json"))] == [1, 2]

    edited = run("task", "edit", "1", "--due", "2026-12-03 09:00")
    assert "Thu 3 Dec 09:00 Europe/Berlin" in edited.stdout
    listed = as_json(run("task", "list", "--tag", "admin", "--json"))
    assert listed[0]["due"] == "2026-12-03T09:00:00+01:00"  # type: ignore[index]
    run("task", "rm", "1")
    assert as_json(run("task", "list", "--search", "passport", "--json")) == []


def test_task_next_explains_why(run: Run) -> None:
    run("task", "add", "Someday maybe")
    run("task", "add", "File taxes", "--due", "2026-03-09", "--priority", "2")
    out = run("task", "next").stdout
    assert out.startswith("#2 File taxes (due Mon 9 Mar)")
    assert "due " in out and "priority 3.90 (0.65×6)" in out
    explained = run("task", "list", "--explain").stdout
    assert "Why" in explained and "priority 3.90" in explained


def test_task_filters(run: Run) -> None:
    run("task", "add", "Old bill", "--due", "2026-03-01")
    run("task", "add", "Today thing", "--due", "2026-03-10 17:00")
    run("task", "add", "Later", "--due", "2026-04-01", "--project", "home")
    titles = lambda *f: [t["title"] for t in as_json(run("task", "list", *f, "--json"))]  # type: ignore[union-attr, index]  # noqa: E731
    assert titles("--overdue") == ["Old bill"]
    assert titles("--today") == ["Today thing"]
    assert titles("--project", "home") == ["Later"]


def test_user_mistakes_get_a_message_and_exit_1(run: Run) -> None:
    for args, message in [
        (("task", "done", "99"), "No task #99"),
        (("task", "add", "x", "--due", "someday-ish"), "Cannot read 'someday-ish'"),
        (("task", "add", "x", "--due", "2026-03-12", "--repeat", "FREQ=SOMETIMES"), "repeat rule"),
        (("cal", "add", "x", "--start", "2026-03-12 10:00", "--duration", "forever"), "duration"),
        (("remind", "cancel", "7"), "No reminder #7"),
        (("config", "set", "timezone", "Mars/Base"), "unknown time zone"),
    ]:
        result = run(*args, ok=False)
        assert result.exit_code == 1
        assert message in result.stderr
        assert "Traceback" not in result.output


def test_calendar_workflow(run: Run, tmp_path: Path) -> None:
    out = run(
        "cal",
        "add",
        "Dentist",
        "--start",
        "2026-03-11 14:00",
        "--duration",
        "45m",
        "--location",
        "Main St 4",
    ).stdout
    assert "Wed 11 Mar 14:00 – 14:45 Europe/Berlin" in out
    run(
        "cal",
        "add",
        "Standup",
        "--start",
        "2026-03-10 09:30",
        "--duration",
        "15m",
        "--repeat",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    )
    week = as_json(run("cal", "agenda", "--week", "--json"))
    assert isinstance(week, list)
    assert [e["start"] for e in week if e["title"] == "Standup"] == [
        f"2026-03-{d}T09:30:00+01:00" for d in (10, 11, 12, 13)
    ]
    assert {"id", "title", "start", "end", "timezone", "location", "recurrence"} <= set(week[0])
    day = as_json(run("cal", "agenda", "--day", "--on", "2026-03-11", "--json"))
    assert [e["title"] for e in day] == ["Standup", "Dentist"]  # type: ignore[index, union-attr]
    free = as_json(run("cal", "free", "--on", "2026-03-11", "--min", "60m", "--json"))
    assert [(s["start"][11:16], s["end"][11:16]) for s in free] == [  # type: ignore[index, union-attr]
        ("09:45", "14:00"),
        ("14:45", "18:00"),
    ]

    ics = tmp_path / "out.ics"
    ics.write_bytes(run("cal", "export").stdout_bytes)
    assert b"BEGIN:VCALENDAR" in ics.read_bytes()
    run("cal", "rm", "1")
    assert "1 new" in run("cal", "import", str(ics)).stdout
    assert "0 new" in run("cal", "import", str(ics)).stdout
    assert len(as_json(run("cal", "agenda", "--day", "--on", "2026-03-11", "--json"))) == 2  # type: ignore[arg-type]


def test_reminders(run: Run) -> None:
    out = run("remind", "add", "Call the bank", "--at", "2026-12-01 10:00").stdout
    assert "Tue 1 Dec 10:00 Europe/Berlin" in out
    listed = as_json(run("remind", "list", "--json"))
    assert listed == [
        {
            "id": 1,
            "title": "Call the bank",
            "remind_at": "2026-12-01T10:00:00+01:00",
            "timezone": ZONE,
            "status": "scheduled",
            "recurrence": None,
            "task_id": None,
            "event_id": None,
            "requires_ack": False,
            "urgent": False,
            "status_detail": None,
        }
    ]
    run("remind", "cancel", "1")
    assert as_json(run("remind", "list", "--json")) == []


def test_config_show_hides_secrets_and_set_persists(
    run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-very-secret")
    shown = run("config", "show").stdout
    assert "very-secret" not in shown and "anthropic_api_key = ********" in shown
    monkeypatch.delenv("AURELIUS_TIMEZONE")
    run("config", "set", "timezone", "America/New_York")
    assert as_json(run("config", "show", "--json"))["timezone"] == "America/New_York"  # type: ignore[index]
    run("config", "set", "openai_api_key", "sk-openai-secret")
    assert "sk-openai-secret" not in run("config", "show").stdout


def test_version() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.startswith("aurelius ")


def test_cal_edit_changes_details_of_every_occurrence(run: Run) -> None:
    run("cal", "add", "Standup", "--start", "2026-03-10 09:30", "--duration", "15m",
        "--repeat", "FREQ=DAILY;COUNT=3")
    out = run("cal", "edit", "1", "--title", "Daily sync", "--location", "Room 2",
              "--duration", "30m").stdout
    assert "Updated #1 Daily sync: Tue 10 Mar 09:30 – 10:00 Europe/Berlin @ Room 2." in out
    events = as_json(run("cal", "agenda", "--json"))
    assert [(e["title"], e["end"][11:16], e["location"]) for e in events] == [  # type: ignore[index, union-attr]
        ("Daily sync", "10:00", "Room 2")] * 3
    assert "needs a title" in run("cal", "edit", "1", "--title", " ", ok=False).stderr
    assert "No event #9" in run("cal", "edit", "9", "--title", "x", ok=False).stderr
