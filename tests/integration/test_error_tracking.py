"""Error tracking against a local ingestion endpoint: a bug in a request and in a job
arrive as events with release and environment, and nothing secret or personal inside."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.integration.sentry_process import TOKEN, WEBHOOK_SECRET
from tests.stubs.sentry import SentryStub

ROOT = Path(__file__).resolve().parents[2]


def test_bugs_in_a_request_and_a_job_reach_the_tracker_without_secrets(
        isolated_home: Path) -> None:
    with SentryStub() as sentry:
        env = {**os.environ, "AURELIUS_SENTRY_DSN": sentry.dsn,
               "AURELIUS_ENVIRONMENT": "staging", "AURELIUS_TELEGRAM_BOT_TOKEN": TOKEN,
               "AURELIUS_TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
               "AURELIUS_OPENAI_API_KEY": "sk-proj-neverinanevent123"}
        done = subprocess.run([sys.executable, "-m", "tests.integration.sentry_process"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
                              check=False)
        assert done.returncode == 0, done.stderr
        events = sentry.events()
        raw = b"".join(sentry.envelopes)
    kinds = {value["type"] for event in events
             for value in event.get("exception", {}).get("values", [])}
    assert "RuntimeError" in kinds  # the request's bug
    assert "OperationalError" in kinds  # the job's bug (its table was dropped)
    assert all(event["release"] == "aurelius@0.1.0" for event in events)
    assert all(event["environment"] == "staging" for event in events)
    request = [event for event in events if event.get("tags", {}).get("request_id")]
    assert {event["tags"]["request_id"] for event in request} >= {"sentry-req-1"}
    for secret in (TOKEN, WEBHOOK_SECRET, b"sk-proj-neverinanevent123"):
        assert (secret if isinstance(secret, bytes) else secret.encode()) not in raw
    shown = json.dumps(events)
    assert "publickey" not in shown and "***" in shown  # the DSN's key is in settings too
    assert all("user" not in event or "ip_address" not in event["user"] for event in events)
