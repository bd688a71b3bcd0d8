"""`aurelius cal` with real-world and hostile calendars: the import report, views that survive
an unreadable stored event, edits that reach moved occurrences, one-day agendas."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.calendar_corpus import CORPUS
from tests.e2e.conftest import Run, as_json


def test_import_report_names_new_unchanged_skipped_and_adjusted(run: Run) -> None:
    bad = str(CORPUS / "38_garbage_rid_exdate.ics")
    first = run("cal", "import", bad).stdout
    assert "Imported 38_garbage_rid_exdate.ics: 1 new, 0 updated, 0 unchanged, 2 skipped." in first
    assert "skipped garbage-ex: EXDATE is not a date" in first
    assert "skipped garbage-rid:" in first
    again = run("cal", "import", bad).stdout
    assert "0 new, 0 updated, 1 unchanged, 2 skipped" in again
    swapped = run("cal", "import", str(CORPUS / "28_dtend_before_dtstart.ics")).stdout
    assert "adjusted backwards: DTEND before DTSTART: swapped" in swapped
    report = as_json(run("cal", "import", str(CORPUS / "40_secondly_rule.ics"), "--json"))
    assert isinstance(report, dict)
    assert {n["uid"] for n in report["skipped"]} == {"every-second", "never"}


def test_reimporting_a_changed_event_counts_it_updated(run: Run, tmp_path: Path) -> None:
    source = (CORPUS / "12_override_summary.ics").read_text()
    ics = tmp_path / "cal.ics"
    ics.write_text(source)
    assert "1 new" in run("cal", "import", str(ics)).stdout
    ics.write_text(source.replace("DTSTAMP:20260101T000000Z", "DTSTAMP:20260301T000000Z"))
    assert "0 updated, 1 unchanged" in run("cal", "import", str(ics)).stdout  # only DTSTAMP
    ics.write_text(source.replace("Room 9", "Room 10"))
    assert "0 new, 1 updated, 0 unchanged" in run("cal", "import", str(ics)).stdout


def test_an_unreadable_stored_event_never_fails_a_view(run: Run, database_url: str) -> None:
    run("cal", "add", "Lunch", "--start", "2026-03-10 12:00", "--duration", "1h")
    run("cal", "add", "Standup", "--start", "2026-03-10 09:00", "--repeat", "FREQ=DAILY")
    engine = create_engine(database_url)
    with engine.begin() as connection:  # as an older version or a hostile import left it
        connection.execute(text("UPDATE events SET recurrence = 'FREQ=FOO' WHERE id = 2"))
    engine.dispose()
    agenda = run("cal", "agenda", "--on", "2026-03-10")
    assert "Lunch" in agenda.stdout and "Standup" not in agenda.stdout
    assert "Skipped event #2 'Standup'" in agenda.stderr and "FREQ=FOO" in agenda.stderr
    assert "12:00" in run("cal", "free", "--on", "2026-03-10").stdout
    assert "Lunch" in run("brief").stdout  # AURELIUS_NOW is 10 March
    assert b"SUMMARY:Lunch" in run("cal", "export").stdout_bytes


def test_agenda_on_a_date_shows_that_one_day(run: Run) -> None:
    run("cal", "add", "Daily", "--start", "2026-12-03 10:00", "--repeat", "FREQ=DAILY;COUNT=5")
    one_day = as_json(run("cal", "agenda", "--on", "2026-12-04", "--json"))
    assert [e["start"][:10] for e in one_day] == ["2026-12-04"]  # type: ignore[index, union-attr]
    week = as_json(run("cal", "agenda", "--week", "--on", "2026-12-04", "--json"))
    assert len(week) == 4  # type: ignore[arg-type]  # Thu 3 to Sun 6 December


def test_new_length_reaches_moved_occurrences_and_export_keeps_location(run: Run) -> None:
    run(
        "cal", "add", "Review", "--start", "2026-03-10 10:00", "--duration", "15m",
        "--repeat", "FREQ=DAILY;COUNT=3", "--location", "Room 1",
    )  # fmt: skip
    run("cal", "move", "1", "--occurrence", "2026-03-11", "--to", "2026-03-11 11:00")
    run("cal", "edit", "1", "--duration", "30m")
    spans = [(e["start"][11:16], e["end"][11:16]) for e in as_json(run("cal", "agenda", "--json"))]  # type: ignore[index, union-attr]
    assert spans == [("10:00", "10:30"), ("11:00", "11:30"), ("10:00", "10:30")]
    exported = run("cal", "export").stdout
    override = next(part for part in exported.split("BEGIN:VEVENT") if "RECURRENCE-ID" in part)
    assert "LOCATION:Room 1" in override and "DTEND;TZID=Europe/Berlin:20260311T113000" in override


@pytest.mark.parametrize(
    "command",
    [
        ("task", "add", "x", "--due", "2026-12-02", "--repeat", "FREQ=DAILY;INTERVAL=0"),
        ("remind", "add", "x", "--at", "2026-12-02 10:00", "--repeat", "FREQ=SECONDLY"),
        ("cal", "add", "x", "--start", "2026-12-02 10:00", "--repeat", "FREQ=MINUTELY"),
        ("cal", "add", "x", "--start", "2026-12-02 10:00", "--repeat", "FREQ=DAILY;COUNT=-5"),
    ],
)
def test_hostile_repeat_rules_get_one_line_and_exit_1(run: Run, command: tuple[str, ...]) -> None:
    result = run(*command, ok=False)
    assert result.exit_code == 1
    assert "repeat rule" in result.stderr and "Traceback" not in result.output
    assert len(result.stderr.strip().splitlines()) == 1


def test_an_attendee_with_a_line_break_cannot_break_the_export(run: Run) -> None:
    run("cal", "add", "Sync", "--start", "2026-03-12 10:00", "--attendee", "a@b.c\r\nX-EVIL:1")
    exported = run("cal", "export").stdout
    assert "\nX-EVIL" not in exported and "ATTENDEE:mailto:a@b.c X-EVIL:1" in exported
