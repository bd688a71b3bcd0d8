"""A loopback Telegram Bot API: `/bot{token}/{method}`, form-encoded or JSON bodies.

Records every call as (method, params); `updates` feeds getUpdates; `reject_html` makes
the next HTML message fail the way Telegram fails on bad markup.
"""

from __future__ import annotations

import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl

from tests.stubs.server import Loopback, send_json

BOT = {"id": 4242, "is_bot": True, "first_name": "Aurelius", "username": "aurelius_bot",
       "can_join_groups": True, "can_read_all_group_messages": False,
       "supports_inline_queries": False, "can_connect_to_business": False,
       "has_main_web_app": False}


class TelegramStub(Loopback):
    def __init__(self, token: str = "123:TEST") -> None:
        self.token = token
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.updates: deque[dict[str, Any]] = deque()
        self.reject_html = 0
        self.lock = threading.Lock()
        self.sent = threading.Event()
        self._next_id = 100
        self._listen(self._handler())

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    def methods(self) -> list[str]:
        return [method for method, _ in self.calls]

    def texts(self, method: str = "sendMessage") -> list[str]:
        return [str(params.get("text")) for name, params in self.calls if name == method]

    def last(self, method: str) -> dict[str, Any]:
        return next(params for name, params in reversed(self.calls) if name == method)

    def answer(self, method: str, params: dict[str, Any]) -> tuple[int, Any]:
        with self.lock:
            self.calls.append((method, params))
            self._next_id += 1
            if method == "getUpdates":
                return 200, {"ok": True, "result": self._drain()}
            formatted = method in ("sendMessage", "editMessageText") and params.get("parse_mode")
            if formatted and self.reject_html > 0:
                self.reject_html -= 1
                return 400, {"ok": False, "error_code": 400,
                             "description": "Bad Request: can't parse entities"}
            result = self._result(method, params)
        if method in ("sendMessage", "editMessageText"):
            self.sent.set()
        return 200, {"ok": True, "result": result}

    def _drain(self) -> list[dict[str, Any]]:
        drained = list(self.updates)
        self.updates.clear()
        return drained

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        if method == "getMe":
            return BOT
        if method in ("sendMessage", "editMessageText"):
            return {"message_id": params.get("message_id") or self._next_id,
                    "date": int(time.time()),
                    "chat": {"id": int(params.get("chat_id", 0)), "type": "private"},
                    "from": {k: BOT[k] for k in ("id", "is_bot", "first_name")},
                    "text": params.get("text", "")}
        return True

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length).decode()
                if "json" in (self.headers.get("content-type") or ""):
                    params = json.loads(raw or "{}")
                else:
                    params = dict(parse_qsl(raw))
                method = self.path.rsplit("/", 1)[-1]
                if not self.path.startswith(f"/bot{stub.token}/"):
                    send_json(self, 401, {"ok": False, "error_code": 401,
                                          "description": "Unauthorized"})
                    return
                if method == "getUpdates" and not stub.updates:
                    time.sleep(0.05)  # a short long-poll keeps the test loop calm
                status, payload = stub.answer(method, params)
                send_json(self, status, payload)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
