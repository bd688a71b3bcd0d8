"""Limits that run before any route: a bounded request body and a rate limit per address.

Both are plain ASGI middleware so they act before FastAPI reads anything. `BodyLimit`
answers 413 from the `Content-Length` header alone when it is too large, and otherwise
counts the bytes as they arrive, so no more than the limit is ever held in memory.
`ClientLimit` counts requests that did not prove who sent them (a route calls
`authenticated(request)` after a signature or secret checked out) per client address in a
one-minute window; past the budget an address gets 429 with `Retry-After`, before its
body is read.
"""

from __future__ import annotations

import ipaddress
import math
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from starlette.requests import Request

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

AUTHENTICATED = "aurelius.authenticated"
WINDOW = 60.0  # seconds
MAX_TRACKED = 50_000  # addresses per window; beyond it new ones share one budget


def authenticated(request: Request) -> None:
    """Mark the request as signed by a known sender: it does not count against its address."""
    request.scope[AUTHENTICATED] = True


async def _refuse(send: Send, status: int, text: str,
                  headers: tuple[tuple[bytes, bytes], ...] = ()) -> None:
    body = ('{"error": "' + text + '"}').encode()
    await send({"type": "http.response.start", "status": status, "headers": [
        (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
        (b"connection", b"close"), *headers]})
    await send({"type": "http.response.body", "body": body})


class BodyLimit:
    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self._declared(scope) > self.max_bytes:
            await _refuse(send, 413, "request body too large")
            return
        body = await self._read(receive)
        if body is None:
            await _refuse(send, 413, "request body too large")
            return
        await self.app(scope, _replay(body, receive), send)

    def _declared(self, scope: Scope) -> int:
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                return int(value) if value.isdigit() and len(value) < 16 else self.max_bytes + 1
        return 0

    async def _read(self, receive: Receive) -> bytes | None:
        """The whole body, or None as soon as it grows past the limit."""
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return b"".join(chunks)  # disconnected: the app sees an empty request
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()  # later calls wait for the disconnect, as usual
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


class ClientLimit:
    def __init__(self, app: ASGIApp, per_minute: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.app, self.budget, self.clock = app, max(1, per_minute), clock
        self._window_start = clock()
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        address = client_key(scope)
        wait = self._take(address)
        if wait:
            await _refuse(send, 429, "too many requests",
                          ((b"retry-after", str(wait).encode()),))
            return
        try:
            await self.app(scope, receive, send)
        finally:
            if scope.get(AUTHENTICATED):
                self._give_back(address)

    def _take(self, address: str) -> int:
        """0 when the request may go ahead, else the seconds until the window ends."""
        with self._lock:
            now = self.clock()
            if now - self._window_start >= WINDOW:
                self._window_start, self._counts = now, {}
            if address not in self._counts and len(self._counts) >= MAX_TRACKED:
                address = "*"
            used = self._counts.get(address, 0)
            if used >= self.budget:
                return max(1, math.ceil(self._window_start + WINDOW - now))
            self._counts[address] = used + 1
            return 0

    def _give_back(self, address: str) -> None:
        with self._lock:
            if self._counts.get(address, 0) > 0:
                self._counts[address] -= 1


def client_key(scope: Scope) -> str:
    """The client's address; IPv6 by its /64, which one subscriber usually holds whole."""
    client = scope.get("client")
    host = str(client[0]) if client else "unknown"
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host
    if address.version == 6:
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return host
