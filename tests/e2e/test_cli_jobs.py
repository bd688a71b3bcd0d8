"""Reminders, notifications and the brief through the CLI."""

from __future__ import annotations

import json

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
