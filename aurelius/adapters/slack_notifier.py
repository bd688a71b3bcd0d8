"""Notifications to a Slack channel or DM (chat.postMessage), with Acknowledge/Snooze
buttons that the Slack bot's action listener handles.

Plain HTTPS (stdlib) rather than slack_sdk, so the worker does not need the bots extra.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from aurelius.adapters.http_json import post_json
from aurelius.adapters.telegram_notifier import buttons
from core.ports import Address, Note
from core.sanitize import printable

SECTION_LIMIT = 2900  # Slack rejects section text over 3000 characters


@dataclass(frozen=True)
class SlackNotifier:
    token: str
    base_url: str = "https://slack.com/api/"
    timeout: float = 10.0

    def send(self, address: Address, note: Note) -> None:
        if not address.target:
            raise LookupError("a slack channel needs a channel or user id as its target")
        text = f"*{_escape(note.title)}*\n{_escape(note.body)}"[:SECTION_LIMIT]
        blocks: list[dict[str, Any]] = [
            {"type": "section", "text": {"type": "mrkdwn", "text": text}}
        ]
        elements = [
            {
                "type": "button",
                "text": {"type": "plain_text", "text": label},
                "action_id": data,
                "value": data,
            }
            for label, data in buttons(note)
        ]
        if elements:
            blocks.append({"type": "actions", "elements": elements})
        self._post("chat.postMessage", {"channel": address.target, "text": text, "blocks": blocks})

    def _post(self, method: str, body: dict[str, Any]) -> None:
        answer = post_json(
            self.base_url + method,
            body,
            vendor="Slack",
            timeout=self.timeout,
            headers={"Authorization": f"Bearer {self.token}"},
        )
        if not answer.get("ok"):
            raise ConnectionError(f"Slack refused the message: {answer.get('error')}")


def _escape(text: str) -> str:
    return html.escape(printable(text), quote=False)
