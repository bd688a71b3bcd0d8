"""Telegram bot throughput and latency, end to end, against the loopback Bot API stub.

    python benchmarks/bots.py [--count 300] [--database postgresql+psycopg://…]

Each update goes through python-telegram-bot's `process_update` (what the webhook route
does); latency runs from handing the update over to its reply reaching the stub. The
assistant runs offline (no API key) on a fresh SQLite file unless --database is given.
"Echo" is a bare python-telegram-bot handler on the same stub: the framework's ceiling.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.stubs.telegram import TelegramStub

TOKEN = "123:BENCH"


def update(update_id: int, text: str) -> dict[str, Any]:
    entities = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"update_id": update_id, "message": {
        "message_id": update_id, "date": 1, "text": text,
        "chat": {"id": 7, "type": "private"},
        "from": {"id": 7, "is_bot": False, "first_name": "Bench"},
        **({"entities": entities} if text.startswith("/") else {})}}


class Timed(TelegramStub):
    """The stub, noting when each reply arrives."""

    def __init__(self) -> None:
        super().__init__(TOKEN)
        self.arrivals: list[float] = []

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        if method == "sendMessage":
            self.arrivals.append(time.perf_counter())
        return super().answer(method, params)


async def drive(application: Any, texts: list[str], stub: Timed) -> list[float]:
    from telegram import Update

    latencies = []
    async with application:
        for number, text in enumerate(texts, start=1):
            before, start = len(stub.arrivals), time.perf_counter()
            await application.process_update(Update.de_json(update(number, text), application.bot))
            if len(stub.arrivals) > before:
                latencies.append(stub.arrivals[before] - start)
    return latencies


def aurelius_app(stub: Timed, database: str | None, home: str) -> Any:
    os.environ.update(AURELIUS_HOME=home, AURELIUS_TELEGRAM_BOT_TOKEN=TOKEN,
                      AURELIUS_TELEGRAM_BASE_URL=stub.base_url,
                      AURELIUS_BOT_RATE_PER_MINUTE="1000000")  # measure, don't throttle
    if database:
        os.environ["AURELIUS_DATABASE_URL"] = database
    from aurelius.bootstrap import build_services
    from bots.telegram.app import build_application

    return build_application(build_services())


def echo_app(stub: Timed) -> Any:
    from telegram import Update
    from telegram.ext import Application, ContextTypes, MessageHandler, filters

    async def echo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        assert update.effective_message is not None
        await update.effective_message.reply_text(update.effective_message.text or "")

    application = Application.builder().token(TOKEN).base_url(stub.base_url).updater(None).build()
    application.add_handler(MessageHandler(filters.ALL, echo))
    return application


def report(name: str, latencies: list[float], seconds: float) -> None:
    ordered = sorted(latencies)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    print(f"{name:<22} {len(latencies) / seconds:8.1f} msg/s   p50 "
          f"{statistics.median(ordered) * 1000:6.1f} ms   p99 {p99 * 1000:6.1f} ms")


def measure(name: str, build: Callable[[Timed], Any], texts: list[str]) -> None:
    stub = Timed().start()
    try:
        application = build(stub)
        start = time.perf_counter()
        latencies = asyncio.run(drive(application, texts, stub))
        report(name, latencies, time.perf_counter() - start)
    finally:
        stub.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    parser.add_argument("--database", help="database URL (default: a fresh SQLite file)")
    args = parser.parse_args()
    adds = [f"todo: benchmark task {i}" for i in range(args.count)]
    mixed = [("/tasks", "/today", "/help")[i % 3] for i in range(args.count)]
    with tempfile.TemporaryDirectory() as home:
        print(f"{args.count} updates each, one at a time, database: {args.database or 'SQLite'}")
        measure("echo (bare PTB)", echo_app, adds)
        measure("aurelius quick-add", lambda s: aurelius_app(s, args.database, home), adds)
        measure("aurelius commands", lambda s: aurelius_app(s, args.database, home), mixed)


if __name__ == "__main__":
    main()
