"""Notifications to a Telegram chat through the Bot API, with Acknowledge/Snooze buttons.

A plain HTTPS POST (stdlib) rather than python-telegram-bot: the worker sending reminders
is synchronous and should not need an event loop or the bots extra.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from aurelius.adapters.http_json import post_json
from core.ports import Address, Note
from core.sanitize import printable
from core.services.chat_actions import encode

LABELS = {"ack": "Acknowledge", "snooze": "Snooze 1h"}


def buttons(note: Note) -> list[tuple[str, str]]:
    """(label, payload) for each action a reminder note offers."""
    if note.reminder_id is None:
        return []
    return [(LABELS[a], encode("rem", a, note.reminder_id)) for a in note.actions if a in LABELS]


@dataclass(frozen=True)
class TelegramNotifier:
    token: str
    base_url: str = "https://api.telegram.org/bot"
    timeout: float = 10.0

    def send(self, address: Address, note: Note) -> None:
        if not address.target:
            raise LookupError("a telegram channel needs the chat id as its target")
        body: dict[str, Any] = {
            "chat_id": address.target,
            "parse_mode": "HTML",
            "text": f"<b>{_escape(note.title)}</b>\n{_escape(note.body)}",
        }
        rows = buttons(note)
        if rows:
            body["reply_markup"] = {
                "inline_keyboard": [
                    [{"text": label, "callback_data": data} for label, data in rows]
                ]
            }
        self._post("sendMessage", body)

    def _post(self, method: str, body: dict[str, Any]) -> None:
        answer = post_json(
            f"{self.base_url}{self.token}/{method}", body, vendor="Telegram", timeout=self.timeout
        )
        if not answer.get("ok"):
            raise ConnectionError(f"Telegram refused the message: {answer.get('description')}")


def _escape(text: str) -> str:
    return html.escape(printable(text[:3500]), quote=False)
