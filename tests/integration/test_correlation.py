"""One request's story: the id a caller sends (or one made for it) is on the response, on
every log line, on the 500 a bug produces, and in the jobs the request enqueues — across
processes, into a forking RQ worker, whose figures reach the shared metrics directory."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from aurelius import correlation, logs
from aurelius.bootstrap import Services, build_services
from aurelius.settings import Settings
from tests.bots.conftest import TOKEN, WEBHOOK_SECRET, configure, message
from tests.conftest import ZONE

REDIS_URL = os.environ.get("AURELIUS_TEST_REDIS_URL")
TG = {"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET}


class Exploding:
    """A Telegram endpoint with a bug in it (the secret shows whether reports leak it)."""

    def handle(self, update: dict[str, Any]) -> None:
        token = TOKEN
        raise RuntimeError(f"bug while answering with {token}")


def test_a_bug_answers_500_quoting_the_request_id_that_the_log_line_carries(
        services: Services) -> None:
    from aurelius.server.app import create_app

    configure(services, telegram_webhook_secret=WEBHOOK_SECRET, telegram_bot_token=TOKEN)
    stream = io.StringIO()
    restore = logs.configure(services.settings.model_copy(update={"log_format": "json"}),
                             stream)
    try:
        client = TestClient(create_app(services, telegram=Exploding()))
        answer = client.post("/telegram/webhook", json=message("/help"),
                             headers={**TG, "X-Request-ID": "report-me-1"})
    finally:
        restore()
    assert answer.status_code == 500
    assert answer.json()["reference"] == "report-me-1" == answer.headers["X-Request-ID"]
    assert "report-me-1" in answer.json()["error"] and TOKEN not in answer.text
    [line] = [found for found in map(json.loads, stream.getvalue().splitlines())
              if found["level"] == "error"]
    assert line["request_id"] == "report-me-1" and line["level"] == "error"
    assert "RuntimeError: bug while answering with ***" in line["exception"]
    assert TOKEN not in stream.getvalue()


@pytest.mark.skipif(not REDIS_URL, reason="AURELIUS_TEST_REDIS_URL is not set")
def test_a_request_id_travels_into_a_forking_rq_worker_its_log_and_metrics(
        database_url: str, tmp_path: Path) -> None:
    from prometheus_client import CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector
    from redis import Redis

    from aurelius.workers import jobs

    Redis.from_url(str(REDIS_URL)).flushdb()
    services = build_services(Settings(database_url=database_url, redis_url=REDIS_URL,
                                       timezone=ZONE))
    try:
        with correlation.bound("req-to-worker-9"):
            services.queue.enqueue(jobs.TICK, job_id="tick")
        meta = services.queue.queue.fetch_job("tick").meta  # type: ignore[attr-defined]
    finally:
        services.close()
    assert meta[correlation.META_KEY] == "req-to-worker-9"
    shared = tmp_path / "metrics"
    shared.mkdir()
    worker = _aurelius("worker", "--burst", env={
        "AURELIUS_DATABASE_URL": database_url, "AURELIUS_REDIS_URL": str(REDIS_URL),
        "AURELIUS_LOG_FORMAT": "json", "AURELIUS_LOG_LEVEL": "debug",
        "PROMETHEUS_MULTIPROC_DIR": str(shared)})
    assert worker.returncode == 0, worker.stderr
    done = [line for line in map(json.loads, worker.stderr.splitlines())
            if line["event"].startswith("job tick() done")]
    assert [line["request_id"] for line in done] == ["req-to-worker-9"]
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(shared))
    started = registry.get_sample_value("aurelius_jobs_started_total", {"kind": "tick"})
    assert started == 1  # counted in the forked child that ran the job


def _aurelius(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    executable = shutil.which("aurelius", path=str(Path(sys.executable).parent))
    assert executable
    return subprocess.run([executable, *args], capture_output=True, text=True, timeout=60,
                          env={**os.environ, **env}, check=False)
