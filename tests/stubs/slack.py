"""A loopback Slack Web API: `/api/{method}`, JSON or form bodies, every call recorded.

`reject_blocks` makes the next message with blocks fail as Slack fails on bad Block Kit.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

from tests.stubs.server import Loopback, send_json


class SlackStub(Loopback):
    def __init__(self, token: str = "xoxb-test") -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.reject_blocks = 0
        self.app_token = "xapp-test"
        self.socket_url: str | None = None  # what apps.connections.open hands out
        self.lock = threading.Lock()
        self._ts = 1773129600.0
        self._listen(self._handler())

    @property
    def base_url(self) -> str:
        return f"{self.url}/api/"

    def methods(self) -> list[str]:
        return [method for method, _ in self.calls]

    def of(self, method: str) -> list[dict[str, Any]]:
        return [params for name, params in self.calls if name == method]

    def answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        with self.lock:
            self.calls.append((method, params))
            self._ts += 1
            if method == "apps.connections.open":
                return {"ok": True, "url": self.socket_url}
            if method == "auth.test":
                return {
                    "ok": True,
                    "user_id": "UBOT",
                    "bot_id": "BBOT",
                    "team_id": "T1",
                    "user": "aurelius",
                    "team": "Test",
                    "url": "https://test.slack.com/",
                }
            if method == "chat.postMessage" and params.get("blocks") and self.reject_blocks:
                self.reject_blocks -= 1
                return {"ok": False, "error": "invalid_blocks"}
            if method in ("chat.postMessage", "chat.update"):
                return {"ok": True, "channel": params.get("channel"), "ts": f"{self._ts:.6f}"}
            return {"ok": True}

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0)).decode()
                if "json" in (self.headers.get("content-type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw))
                tokens = (f"Bearer {stub.token}", f"Bearer {stub.app_token}")
                if self.headers.get("authorization") not in tokens:
                    send_json(self, 200, {"ok": False, "error": "invalid_auth"})
                    return
                send_json(self, 200, stub.answer(self.path.rsplit("/", 1)[-1], params))

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
