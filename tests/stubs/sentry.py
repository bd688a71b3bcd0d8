"""A Sentry ingestion stub on 127.0.0.1: keeps every envelope the SDK posts, decompressed."""

from __future__ import annotations

import gzip
import json
import zlib
from http.server import BaseHTTPRequestHandler
from typing import Any

from tests.stubs.server import Loopback


class SentryStub(Loopback):
    def __init__(self) -> None:
        self.envelopes: list[bytes] = []
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                encoding = self.headers.get("content-encoding", "")
                if encoding == "gzip":
                    body = gzip.decompress(body)
                elif encoding == "deflate":
                    body = zlib.decompress(body)
                stub.envelopes.append(body)
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                return None

        self._listen(Handler)

    @property
    def dsn(self) -> str:
        return f"http://publickey@127.0.0.1:{self._server.server_address[1]}/1"

    def __enter__(self) -> SentryStub:
        return self.start()

    def __exit__(self, *_: object) -> None:
        self.stop()

    def events(self) -> list[dict[str, Any]]:
        """The error events: envelope items of type `event` (a header line, then the item)."""
        found = []
        for envelope in self.envelopes:
            lines = envelope.split(b"\n")
            for header, item in zip(lines[1::2], lines[2::2], strict=False):
                if header and json.loads(header).get("type") == "event":
                    found.append(json.loads(item))
        return found
