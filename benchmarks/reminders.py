"""Reminders under load: N reminders due within one minute, delivered to a local webhook.

    python benchmarks/reminders.py [--count 10000] [--window 60] [--redis redis://127.0.0.1:6379/0]

Embedded: `aurelius run`'s parts (scheduler + in-process worker threads) on a SQLite file.
With --redis: the same scheduler plus two `aurelius worker` processes on RQ.
Prints lateness (arrival minus due time) p50/p99/max, duplicates and lost reminders.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.stubs.webhook import WebhookReceiver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--window", type=float, default=60.0)
    parser.add_argument("--redis", default=os.environ.get("AURELIUS_TEST_REDIS_URL"))
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    for mode in ["embedded"] + (["redis"] if args.redis else []):
        with tempfile.TemporaryDirectory() as home, WebhookReceiver() as receiver:
            run(mode, args, Path(home), receiver)


def run(mode: str, args: argparse.Namespace, home: Path, receiver: WebhookReceiver) -> None:
    os.environ.update(
        AURELIUS_HOME=str(home),
        AURELIUS_TICK_SECONDS="0.25",
        AURELIUS_NOTIFY_WEBHOOK_URL=receiver.url,
        AURELIUS_WORKERS="8",
    )
    if args.database:
        os.environ["AURELIUS_DATABASE_URL"] = args.database
    os.environ.pop("AURELIUS_REDIS_URL", None)
    if mode == "redis":
        os.environ["AURELIUS_REDIS_URL"] = args.redis
        from redis import Redis

        Redis.from_url(args.redis).flushdb()
    from aurelius.bootstrap import build_services
    from aurelius.workers import runtime
    from aurelius.workers.scheduler import Scheduler

    services = build_services()
    runtime.use(services)
    due = seed(services, args.count, args.window)
    workers = start_workers(mode, services)
    stop = threading.Event()
    threading.Thread(target=Scheduler(services).run, args=(stop,), daemon=True).start()
    deadline = max(due.values()) + 30
    while time.time() < deadline and len(receiver.received) < args.count:
        time.sleep(0.2)
    time.sleep(2)  # let stragglers (duplicates) arrive
    stop.set()
    for process in workers:
        process.terminate()
    report(mode, args.count, due, receiver)
    services.close()


def seed(services: object, count: int, window: float) -> dict[int, float]:
    """Reminders spread evenly over the window, starting a few seconds from now."""
    from core.models import Reminder

    start = datetime.now(UTC) + timedelta(seconds=5)
    user = services.local_user_id()  # type: ignore[attr-defined]
    rows = []
    for number in range(count):
        at = start + timedelta(seconds=window * number / count)
        rows.append(
            Reminder(user_id=user, title=f"R{number}", remind_at=at, next_at=at, timezone="UTC")
        )
    with services.db.transaction() as session:  # type: ignore[attr-defined]
        session.add_all(rows)
        session.flush()
        return {row.id: row.remind_at.timestamp() for row in rows}


def start_workers(mode: str, services: object) -> list[subprocess.Popen[bytes]]:
    if mode == "embedded":
        services.queue.start()  # type: ignore[attr-defined]
        return []
    command = shutil.which("aurelius", path=str(Path(sys.executable).parent)) or "aurelius"
    return [
        subprocess.Popen(
            [command, "worker", "--simple"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        for _ in range(2)
    ]


def report(mode: str, count: int, due: dict[int, float], receiver: WebhookReceiver) -> None:
    arrivals = [(r.body["reminder_id"], r.arrived) for r in receiver.received]
    seen = Counter(reminder for reminder, _ in arrivals)
    first: dict[int, float] = {}
    for reminder, arrived in arrivals:
        first.setdefault(reminder, arrived)
    late = sorted(first[r] - due[r] for r in first)
    quantiles = statistics.quantiles(late, n=100) if len(late) > 1 else [0.0] * 99
    print(
        f"{mode:>9}: {count} reminders in the window | lateness p50 {quantiles[49]:.2f} s, "
        f"p99 {quantiles[98]:.2f} s, max {late[-1] if late else 0:.2f} s | duplicates "
        f"{sum(n - 1 for n in seen.values())} | lost {len(set(due) - set(first))}"
    )


if __name__ == "__main__":
    main()
