"""Load test: `aurelius serve` + 2 RQ workers + the scheduler on PostgreSQL and Redis.

    python benchmarks/load.py [--seconds 30] [--clients 8] [--reminders-per-second 5]
        [--database postgresql+psycopg://...] [--redis redis://...]

Both must be scratch stores (defaults: AURELIUS_LOAD_DATABASE_URL, AURELIUS_LOAD_REDIS_URL):
the database's tables and the Redis db are emptied first.

For `--seconds`, client threads post signed Telegram and Slack webhooks (bot replies go to
loopback stubs of both APIs) while reminders fall due every 1/N s (delivered to a loopback
webhook). The processes share one PROMETHEUS_MULTIPROC_DIR, so the server's /metrics shows
every process. Prints throughput, errors, p99 latency (client-side and from the server's
histogram) and delivery lateness from the metrics.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import itertools
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.stubs.slack import SlackStub
from tests.stubs.telegram import TelegramStub
from tests.stubs.webhook import WebhookReceiver

TOKEN = "4242:LOADTEST"
SECRET = "load-test-telegram-secret-0123456789"
SIGNING = "load-test-slack-signing-secret"
AURELIUS = str(Path(sys.executable).with_name("aurelius"))


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, seconds: float, ok: bool) -> None:
        with self.lock:
            self.latencies.append(seconds)
            self.errors += not ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--reminders-per-second", type=float, default=5.0)
    parser.add_argument("--database", default=os.environ.get("AURELIUS_LOAD_DATABASE_URL"))
    parser.add_argument("--redis", default=os.environ.get("AURELIUS_LOAD_REDIS_URL"))
    args = parser.parse_args()
    if not (args.database or "").startswith("postgresql") or not args.redis:
        raise SystemExit("Give --database postgresql+psycopg://... and --redis redis://...")
    home = Path(tempfile.mkdtemp(prefix="aurelius-load-"))
    telegram, slack = TelegramStub(TOKEN).start(), SlackStub().start()
    try:
        with WebhookReceiver() as receiver:
            env = environment(args, home, telegram, slack, receiver)
            run(args, env, receiver)
    finally:
        telegram.stop()
        slack.stop()
        shutil.rmtree(home, ignore_errors=True)


def environment(args: argparse.Namespace, home: Path, telegram: TelegramStub, slack: SlackStub,
                receiver: WebhookReceiver) -> dict[str, str]:
    (home / "metrics").mkdir()
    return {
        **{k: v for k, v in os.environ.items() if not k.startswith("AURELIUS_")},
        "AURELIUS_HOME": str(home), "AURELIUS_WARM": "0", "AURELIUS_TIMEZONE": "UTC",
        "AURELIUS_DATABASE_URL": args.database, "AURELIUS_REDIS_URL": args.redis,
        "PROMETHEUS_MULTIPROC_DIR": str(home / "metrics"),
        "AURELIUS_TELEGRAM_BOT_TOKEN": TOKEN, "AURELIUS_TELEGRAM_BASE_URL": telegram.base_url,
        "AURELIUS_TELEGRAM_WEBHOOK_SECRET": SECRET, "AURELIUS_SLACK_BOT_TOKEN": slack.token,
        "AURELIUS_SLACK_BASE_URL": slack.base_url, "AURELIUS_SLACK_SIGNING_SECRET": SIGNING,
        "AURELIUS_NOTIFY_WEBHOOK_URL": receiver.url, "AURELIUS_TICK_SECONDS": "0.25",
        "AURELIUS_BOT_RATE_PER_MINUTE": "10000", "AURELIUS_LOG_LEVEL": "warning",
        "AURELIUS_LOG_FORMAT": "json",
    }


def run(args: argparse.Namespace, env: dict[str, str], receiver: WebhookReceiver) -> None:
    upgraded = subprocess.run([AURELIUS, "db", "upgrade"], env=env, capture_output=True,
                              text=True, check=False)
    if upgraded.returncode:
        raise SystemExit(upgraded.stderr.strip())
    _prepare(args, env)
    port = _free_port()
    commands = [["serve", "--port", str(port)], ["worker"], ["worker"], ["scheduler"]]
    logs = Path(env["AURELIUS_HOME"]) / "processes.log"
    with logs.open("w") as sink:
        processes = [subprocess.Popen([AURELIUS, *command], env=env, stdout=sink, stderr=sink)
                     for command in commands]
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_ready(base)
            before = _scrape(base)
            _reminders(args)
            tally, took = drive(base, args.seconds, args.clients)
            _drain(receiver, int(args.seconds * args.reminders_per_second))
            after = _scrape(base)
        finally:
            for process in processes:
                process.send_signal(signal.SIGTERM)
            for process in processes:
                process.wait(timeout=30)
    report(tally, took, before, after, len(receiver.received), args)



def _prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    """An empty database and queue, and this process on the same settings as the others."""
    from redis import Redis
    from sqlalchemy import create_engine, text

    from core.models import Base

    Redis.from_url(args.redis).flushdb()
    engine = create_engine(args.database)
    with engine.begin() as connection:
        names = ", ".join(table.name for table in Base.metadata.sorted_tables)
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    engine.dispose()
    os.environ.update(env)


def _reminders(args: argparse.Namespace) -> None:
    """Reminders falling due through the run, from 1 s in."""
    from aurelius.bootstrap import build_services

    services = build_services()
    try:
        user = services.local_user_id()
        start = datetime.now(UTC) + timedelta(seconds=1)
        count = int(args.seconds * args.reminders_per_second)
        for number in range(count):
            at = start + timedelta(seconds=number / args.reminders_per_second)
            services.reminders.add(user, f"load reminder {number}", at)
    finally:
        services.close()


def _drain(receiver: WebhookReceiver, expected: int, limit: float = 60.0) -> None:
    """Wait (up to `limit` s) for the reminders still due or queued to arrive."""
    deadline = time.monotonic() + limit
    while len(receiver.received) < expected and time.monotonic() < deadline:
        time.sleep(0.2)


def drive(base: str, seconds: float, clients: int) -> tuple[Tally, float]:
    tally, ids = Tally(), itertools.count(1)
    deadline = time.monotonic() + seconds
    started = time.monotonic()

    def client() -> None:
        while time.monotonic() < deadline:
            number = next(ids)
            path, body, headers = (_telegram(number) if number % 2 else _slack(number))
            _post(base + path, body, headers, tally)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - started


def _telegram(number: int) -> tuple[str, bytes, dict[str, str]]:
    user = random.randrange(1, 200)
    update = {"update_id": number, "message": {
        "message_id": number, "date": int(time.time()), "text": "/help",
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        "chat": {"id": user, "type": "private", "first_name": "Load"},
        "from": {"id": user, "is_bot": False, "first_name": "Load"}}}
    return ("/telegram/webhook", json.dumps(update).encode(),
            {"content-type": "application/json", "X-Telegram-Bot-Api-Secret-Token": SECRET})


def _slack(number: int) -> tuple[str, bytes, dict[str, str]]:
    event = {"type": "event_callback", "team_id": "T1", "api_app_id": "A1",
             "event_id": f"Ev{number}", "event_time": int(time.time()),
             "event": {"type": "message", "channel_type": "im", "user": f"U{number % 200}",
                       "text": "help", "channel": "D1", "ts": f"{number}.1"}}
    body = json.dumps(event).encode()
    stamp = str(int(time.time()))
    digest = hmac.new(SIGNING.encode(), f"v0:{stamp}:".encode() + body, hashlib.sha256)
    return ("/slack/events", body, {"content-type": "application/json",
                                    "x-slack-request-timestamp": stamp,
                                    "x-slack-signature": "v0=" + digest.hexdigest()})


def _post(url: str, body: bytes, headers: dict[str, str], tally: Tally) -> None:
    request = urllib.request.Request(url, body, headers, method="POST")
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            ok = answer.status < 300
    except Exception:  # an HTTP error or a refused connection both count as errors
        ok = False
    tally.add(time.perf_counter() - started, ok)


def _scrape(base: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    from prometheus_client.parser import text_string_to_metric_families

    with urllib.request.urlopen(f"{base}/metrics", timeout=30) as answer:
        text = answer.read().decode()
    return {(s.name, frozenset(s.labels.items())): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def _moved(before: dict[Any, float], after: dict[Any, float], name: str,
           **labels: str) -> float:
    wanted = set(labels.items())
    return sum(value - before.get(key, 0.0) for key, value in after.items()
               if key[0] == name and wanted <= key[1])


def _quantile(before: dict[Any, float], after: dict[Any, float], name: str, q: float,
              **labels: str) -> str:
    """The upper bound of the histogram bucket holding quantile `q` of this run's samples."""
    bounds = sorted({float(dict(key[1])["le"]) for key in after
                     if key[0] == f"{name}_bucket"})
    counts = [_moved(before, after, f"{name}_bucket", le=_le(b), **labels) for b in bounds]
    if not counts or not counts[-1]:
        return "n/a"
    bound = next(b for b, c in zip(bounds, counts, strict=True) if c >= q * counts[-1])
    return f"<= {bound:g} s" if bound != float("inf") else "> largest bucket"


def _le(bound: float) -> str:
    return "+Inf" if bound == float("inf") else repr(bound)


def report(tally: Tally, took: float, before: dict[Any, float], after: dict[Any, float],
           arrived: int, args: argparse.Namespace) -> None:
    latencies = sorted(tally.latencies)
    p99 = latencies[int(0.99 * (len(latencies) - 1))] if latencies else float("nan")
    lateness = "aurelius_delivery_lateness_seconds"
    sent = _moved(before, after, f"{lateness}_count")
    mean = _moved(before, after, f"{lateness}_sum") / sent if sent else float("nan")
    print(f"{took:.1f} s, {args.clients} clients, serve + 2 RQ workers + scheduler "
          "on PostgreSQL and Redis")
    print(f"webhooks: {len(latencies)} requests, {len(latencies) / took:.0f} req/s, "
          f"{tally.errors} errors, p99 {p99 * 1000:.0f} ms (client), server p99 "
          f"{_quantile(before, after, 'aurelius_http_request_duration_seconds', 0.99)}")
    print(f"jobs: {_moved(before, after, 'aurelius_jobs_started_total'):.0f} started, "
          f"{_moved(before, after, 'aurelius_jobs_failed_total'):.0f} failed")
    expected = int(args.seconds * args.reminders_per_second)
    print(f"deliveries: {sent:.0f} sent, {arrived} of {expected} arrived, lateness mean "
          f"{mean:.2f} s, p50 {_quantile(before, after, lateness, 0.5)}, "
          f"p99 {_quantile(before, after, lateness, 0.99)}")
    print(f"signature failures: "
          f"{_moved(before, after, 'aurelius_webhook_signature_failures_total'):.0f}")


def _wait_ready(base: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("aurelius serve did not become ready within 60 s")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


if __name__ == "__main__":
    main()
