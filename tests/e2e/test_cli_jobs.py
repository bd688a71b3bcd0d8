"""Reminders, notifications and the brief through the CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from tests.conftest import ZONE
from tests.e2e.conftest import Run, as_json
from tests.stubs.webhook import WebhookReceiver


def test_notify_channels_quiet_and_test_send(run: Run) -> None:
    with WebhookReceiver() as receiver:
        assert "Added channel #1: webhook" in run("notify", "add", "webhook", receiver.url).stdout
        listed = as_json(run("notify", "channels", "--json"))
        assert listed == [{"id": 1, "kind": "webhook", "target": receiver.url, "position": 1}]
        run("notify", "test", "webhook")
        assert receiver.received[0].body["title"] == "Aurelius test notification"
    assert "Unknown channel" in run("notify", "add", "pigeon", ok=False).stderr
    assert "needs an http(s) URL" in run("notify", "add", "webhook", "ftp://x", ok=False).stderr
    assert "Quiet from 22:00 to 07:00" in run("notify", "quiet", "22:00", "07:00").stdout
    assert "not a time of day" in run("notify", "quiet", "late", "07:00", ok=False).stderr
    run("notify", "rm", "1")
    assert as_json(run("notify", "channels", "--json")) == []


def test_ack_and_snooze(run: Run) -> None:
    run("remind", "add", "Stretch", "--at", "2026-03-10 09:30", "--ack", "--urgent")
    flags = as_json(run("remind", "list", "--json"))[0]  # type: ignore[index]
    assert flags["requires_ack"] and flags["urgent"]
    out = run("remind", "snooze", "1", "--for", "15m").stdout
    # It has not rung yet (due 09:30, now 09:00): a snooze moves it later, never earlier.
    assert "until Tue 10 Mar 09:45 Europe/Berlin (it had not rung yet" in out
    assert as_json(run("remind", "list", "--json"))[0]["remind_at"] == (  # type: ignore[index]
        "2026-03-10T09:45:00+01:00"
    )
    assert "Acknowledged reminder #1" in run("remind", "ack", "1").stdout
    assert "No reminder #5" in run("remind", "ack", "5", ok=False).stderr


def test_brief_prints_agenda_tasks_and_reminders(run: Run) -> None:
    run("cal", "add", "Standup", "--start", "2026-03-10 09:30", "--duration", "15m")
    run("cal", "add", "Design review", "--start", "2026-03-10 09:40", "--duration", "30m")
    run("task", "add", "Old bill", "--due", "2026-03-01", "--priority", "1")
    run("remind", "add", "Call the bank", "--at", "2026-03-10 16:00")
    out = run("brief").stdout
    assert out.startswith("Brief for Tue 10 Mar 2026 (Europe/Berlin)")
    assert "09:30–09:45  Standup" in out and "! Standup overlaps Design review" in out
    assert "Overdue:\n  #1 Old bill" in out and "16:00  Call the bank" in out
    tomorrow = run("brief", "--date", "2026-03-11").stdout
    assert "nothing scheduled" in tomorrow
    assert "Daily brief at 08:00" in run("brief", "--at", "08:00").stdout


def test_jobs_status_reports_queue_and_deliveries(run: Run) -> None:
    report = json.loads(run("jobs", "status", "--json").stdout)
    assert report["queue"]["backend"].startswith("in-process")
    assert set(report) >= {"queue", "deliveries", "next reminders", "scheduler"}


def test_a_past_time_is_refused_and_in_30_seconds_works(run: Run) -> None:
    refused = run("remind", "add", "Call the bank", "--at", "2026-03-10 08:00", ok=False)
    assert refused.stderr.strip().splitlines() == [
        "Error: Tue 10 Mar 08:00 Europe/Berlin is already past (it is Tue 10 Mar 09:00 "
        "Europe/Berlin); give a later time, e.g. --at 'in 10 minutes' or 'tomorrow 9am'."
    ]
    added = as_json(run("remind", "add", "stretch in 30 seconds", "--json"))
    assert added["remind_at"] == "2026-03-10T09:00:30+01:00"  # type: ignore[index]
    assert added["title"] == "stretch"  # type: ignore[index]


def test_remind_list_and_jobs_status_tell_the_same_story(run: Run) -> None:
    run("remind", "add", "Stretch", "--at", "2026-03-10 09:30")
    run("remind", "add", "Call the bank", "--at", "2026-03-10 09:00")
    listed = {r["title"]: r["status"] for r in as_json(run("remind", "list", "--all", "--json"))}  # type: ignore[union-attr, index]
    report = json.loads(run("jobs", "status", "--json").stdout)
    assert listed == {"Stretch": "scheduled", "Call the bank": "due"}  # `run` is not running
    assert report["reminders"] == {"due": 1, "scheduled": 1}
    assert report["next reminders"][1] == "#1 Stretch at Tue 10 Mar 09:30 Europe/Berlin"


def test_run_says_what_it_delivers_next(isolated_home: Path) -> None:
    env = {**os.environ, "AURELIUS_HOME": str(isolated_home), "AURELIUS_TIMEZONE": ZONE,
           "AURELIUS_NOW": "2026-03-10T09:00", "AURELIUS_TICK_SECONDS": "0.2"}
    env.pop("AURELIUS_DATABASE_URL", None)
    env.pop("AURELIUS_REDIS_URL", None)
    command = shutil.which("aurelius", path=str(Path(sys.executable).parent))
    assert command
    subprocess.run([command, "remind", "stretch in 58 seconds"], env=env, check=True,
                   capture_output=True, timeout=60)
    running = subprocess.Popen([command, "run"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    watchdog = threading.Timer(30, running.kill)  # a silent `run` fails the test, not CI
    watchdog.start()
    try:
        assert running.stdout is not None
        lines = [running.stdout.readline() for _ in range(2)]
    finally:
        watchdog.cancel()
        running.send_signal(signal.SIGINT)
        out, err = running.communicate(timeout=30)
    assert lines[0].startswith("Aurelius is running (Europe/Berlin)")
    assert lines[1] == "next: 'stretch' in 58 s (Tue 10 Mar 09:00 Europe/Berlin)\n"
    assert running.returncode == 0 and "Stopped." in out and "Traceback" not in err
