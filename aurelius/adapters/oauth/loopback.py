"""The CLI's redirect target: a one-shot HTTP listener on 127.0.0.1 with a port the OS picks
(RFC 8252 §7.3). It answers the browser with a short page and hands the query back."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

ANSWER_KEYS = ("code", "state", "error")
POLL = 0.2  # seconds between checks, so Ctrl-C is noticed at once
PATIENCE = 600.0  # a state lasts ten minutes: an answer after that could not be used


class Loopback:
    def __init__(self, label: str) -> None:
        self.answer: dict[str, str] | None = None
        self._got = threading.Event()
        self._server = HTTPServer(("127.0.0.1", 0), self._handler(label))
        self._server.timeout = POLL

    @property
    def redirect_uri(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def wait(self, patience: float = PATIENCE) -> dict[str, str] | None:
        """Block until the provider redirects the browser back here (None: it never did)."""
        deadline = time.monotonic() + patience
        while not self._got.is_set() and time.monotonic() < deadline:
            self._server.handle_request()
        return self.answer

    def __enter__(self) -> Loopback:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._server.server_close()

    def _handler(self, label: str) -> type[BaseHTTPRequestHandler]:
        loopback = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                query = dict(parse_qsl(urlsplit(self.path).query))
                if not any(key in query for key in ANSWER_KEYS):  # e.g. /favicon.ico
                    self.send_error(404)
                    return
                done = "error" not in query
                text = (f"{label} answered Aurelius. You can close this tab and return to the "
                        "terminal." if done else f"{label} sign-in did not finish; see the "
                        "terminal.")
                self._reply(text)
                loopback.answer = query
                loopback._got.set()

            def _reply(self, text: str) -> None:
                body = f"<!doctype html><title>Aurelius</title><p>{text}</p>".encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass  # the query holds the code: never logged

        return Handler
