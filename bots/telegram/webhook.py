"""Feeds webhook updates to the bot: the server's worker threads hand each update to an
event loop of the bot's own, where python-telegram-bot runs its handlers."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from telegram import Update
from telegram.error import TelegramError

from aurelius.bootstrap import Services
from bots.telegram.app import build_application, quiet_http_logs, startup_error

TIMEOUT = 60.0  # seconds one update may take before the webhook call gives up


class TelegramBridge:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.application = build_application(services)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True,
                                        name="telegram-loop")

    def start(self) -> TelegramBridge:
        quiet_http_logs()
        self._thread.start()
        try:
            self._run(self.application.bot.initialize())  # getMe, outside PTB's retry loop
            self._run(self.application.initialize())
        except TelegramError as error:
            self.stop()
            raise startup_error(error, self.services) from None
        return self

    def stop(self) -> None:
        self._run(self.application.shutdown())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)

    def handle(self, update: dict[str, Any]) -> None:
        """Process one update; raises ValueError when it is not a Telegram update."""
        try:
            parsed = Update.de_json(update, self.application.bot)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ValueError("not a Telegram update") from error
        self._run(self.application.process_update(parsed))

    def _run(self, work: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(work, self.loop).result(TIMEOUT)
