"""A webhook receiver on 127.0.0.1, as ntfy or Home Assistant would run one.

It verifies the HMAC signature when given the secret and records every notification with the
time it arrived, so tests and the reminders benchmark can count duplicates and lateness.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    body: dict[str, Any]
    headers: dict[str, str]
    arrived: float


@dataclass
class WebhookReceiver:
    secret: str | None = None
    status: int = 200
    delay: float = 0.0  # seconds between recording a request and answering it (a slow receiver)
    received: list[Received] = field(default_factory=list)
    rejected: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        ThreadingHTTPServer.request_queue_size = 256  # the default backlog of 5 drops bursts
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/hook"

    def __enter__(self) -> WebhookReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def accept(self, raw: bytes, headers: dict[str, str]) -> int:
        if self.secret and not self._valid(raw, headers):
            with self.lock:
                self.rejected += 1
            return 401
        with self.lock:
            self.received.append(Received(json.loads(raw), headers, time.time()))
        return self.status

    def _valid(self, raw: bytes, headers: dict[str, str]) -> bool:
        assert self.secret is not None
        stamp = headers.get("x-aurelius-timestamp", "")
        expected = (
            "sha256="
            + hmac.new(
                self.secret.encode(), stamp.encode() + b"." + raw, hashlib.sha256
            ).hexdigest()
        )
        fresh = stamp.isdigit() and abs(time.time() - int(stamp)) < 300
        return fresh and hmac.compare_digest(expected, headers.get("x-aurelius-signature", ""))


def _handler(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("content-length") or 0))
            status = receiver.accept(raw, {k.lower(): v for k, v in self.headers.items()})
            time.sleep(receiver.delay)
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    return Handler
