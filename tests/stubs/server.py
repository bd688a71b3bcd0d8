"""A scriptable HTTP stub on 127.0.0.1 (ephemeral port) in a daemon thread.

Tests `enqueue()` replies (a `Scripted` message or an error status); when the script is
empty the stub answers with `default`. Every request body is kept in `requests`.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self


@dataclass
class Scripted:
    """One reply: text and/or tool calls [(name, input)], token usage, or an HTTP error."""

    text: str = ""
    tool_calls: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    input_tokens: int = 100
    output_tokens: int = 20
    cache_read_tokens: int = 0
    status: int = 200
    delay: float = 0.0
    raw: str | None = None  # a 200 with this body instead of a reply (a proxy's page, bad JSON)


class Loopback:
    """An HTTP server on 127.0.0.1 (ephemeral port) answering from a daemon thread."""

    def _listen(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> Self:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


class StubServer(Loopback):
    def __init__(self) -> None:
        self.script: deque[Scripted] = deque()
        self.default = Scripted(text="stub reply")
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self._listen(self._handler())

    @property
    def calls(self) -> int:
        return len(self.requests)

    def enqueue(self, *replies: Scripted) -> None:
        self.script.extend(replies)

    def fail(self, status: int, times: int = 1) -> None:
        self.enqueue(*(Scripted(status=status) for _ in range(times)))

    def next_reply(self, path: str, body: dict[str, Any], headers: dict[str, str]) -> Scripted:
        with self.lock:
            self.requests.append({"path": path, **body})
            self.headers.append(headers)
            return self.script.popleft() if self.script else self.default

    def respond(self, handler: BaseHTTPRequestHandler, path: str, body: dict[str, Any]) -> None:
        raise NotImplementedError

    def models_page(self) -> dict[str, Any]:
        """The vendor's answer to `GET /v1/models` (what `aurelius doctor` asks)."""
        raise NotImplementedError

    def respond_get(self, handler: BaseHTTPRequestHandler, path: str) -> None:
        headers = {k.lower(): v for k, v in handler.headers.items()}
        reply = self.next_reply(path, {}, headers)
        if reply.status != 200:
            error = {"type": "error", "error": {"type": "authentication_error",
                                                "message": "scripted"}}
            send_json(handler, reply.status, error)
            return
        send_json(handler, 200, self.models_page())

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                stub.respond(self, self.path, body)

            def do_GET(self) -> None:
                stub.respond_get(self, self.path)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def send_raw(handler: BaseHTTPRequestHandler, body: str) -> None:
    """A 200 that is not what the API documents; JSON-looking bodies claim to be JSON."""
    data = body.encode()
    kind = "application/json" if body.lstrip()[:1] in ("{", "[") else "text/html"
    handler.send_response(200)
    handler.send_header("content-type", kind)
    handler.send_header("content-length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def send_json(handler: BaseHTTPRequestHandler, status: int, payload: Any) -> None:
    data = json.dumps(payload).encode()
    handler.send_response(status)
    handler.send_header("content-type", "application/json")
    handler.send_header("content-length", str(len(data)))
    handler.send_header("x-should-retry", "false")
    handler.end_headers()
    handler.wfile.write(data)


def send_sse(handler: BaseHTTPRequestHandler, events: list[tuple[str | None, Any]]) -> None:
    """Server-sent events without a content-length; closing the connection ends them."""
    handler.send_response(200)
    handler.send_header("content-type", "text/event-stream")
    handler.send_header("connection", "close")
    handler.end_headers()
    for name, data in events:
        prefix = f"event: {name}\n" if name else ""
        payload = data if isinstance(data, str) else json.dumps(data)
        handler.wfile.write(f"{prefix}data: {payload}\n\n".encode())
        handler.wfile.flush()
    handler.close_connection = True
