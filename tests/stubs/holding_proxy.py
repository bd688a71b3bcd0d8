"""A loopback HTTP proxy that forwards everything to a real server and can hold one reply.

`hold(method, nth)` makes the proxy forward the nth request of that method as usual but keep
its reply back: `reached` is set once the server has answered it, so a test knows exactly
how far its client got and can kill the client there (no timing guesses).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "host"}


class HoldingProxy:
    def __init__(self, target: str) -> None:
        self.target = target.rstrip("/")
        self.reached = threading.Event()
        self.released = threading.Event()
        self.counts: dict[str, int] = {}
        self.held: tuple[str, int] | None = None
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def hold(self, method: str, nth: int = 1) -> None:
        with self.lock:
            self.held, self.counts = (method, nth), {}
            self.reached.clear()
            self.released.clear()

    def __enter__(self) -> HoldingProxy:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.released.set()
        self._server.shutdown()
        self._server.server_close()

    def _should_hold(self, method: str) -> bool:
        with self.lock:
            self.counts[method] = self.counts.get(method, 0) + 1
            return self.held == (method, self.counts[method])

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _forward(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
                with httpx.Client(timeout=30) as client:
                    reply = client.request(
                        self.command, proxy.target + self.path, content=body, headers=headers
                    )
                if proxy._should_hold(self.command):
                    proxy.reached.set()
                    proxy.released.wait(timeout=60)
                self.send_response(reply.status_code)
                for name, value in reply.headers.items():
                    if name.lower() not in HOP_BY_HOP and name.lower() != "content-encoding":
                        self.send_header(name, value)
                self.send_header("content-length", str(len(reply.content)))
                self.end_headers()
                self.wfile.write(reply.content)

            do_GET = do_PUT = do_DELETE = do_PROPFIND = do_REPORT = do_OPTIONS = _forward

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler
