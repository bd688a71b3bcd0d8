"""The outermost layer of `aurelius serve`: a correlation id, metrics and the last word on bugs.

Every request runs under one correlation id (the caller's `X-Request-ID` when it is a plain
token), echoed in the response's `X-Request-ID`. Requests are counted by route template —
never by raw path, which would name people (chat ids) and grow without bound. An unhandled
error is logged with its traceback under that id and answered with a 500 whose body quotes
it, so a person's report leads to the log line and the error tracker's event.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from aurelius import correlation
from core.ports import Metrics

log = logging.getLogger(__name__)
Scope = dict[str, Any]
UNMATCHED = "unmatched"


class Observe:
    """Pure ASGI middleware (it must see the status of every response, 429 and 413 too)."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = correlation.accept(_header(scope, b"x-request-id"))
        status = [0]

        async def send_with_id(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
                headers = [*message.get("headers", []),
                           (b"x-request-id", request_id.encode())]
                message = {**message, "headers": headers}
            await send(message)

        started = time.perf_counter()
        with correlation.bound(request_id):
            try:
                await self.app(scope, receive, send_with_id)
            except Exception:
                log.exception("unhandled error in %s %s", scope["method"], _route(scope))
                if not status[0]:
                    await _internal_error(send_with_id, request_id)
            self._measure(scope, status[0] or 500, time.perf_counter() - started)

    def _measure(self, scope: Scope, status: int, seconds: float) -> None:
        route, method = _route(scope), scope["method"]
        self.metrics.count("aurelius_http_requests_total", route=route, method=method,
                           status=str(status))
        self.metrics.observe("aurelius_http_request_duration_seconds", seconds, route=route,
                             method=method)


def _route(scope: Scope) -> str:
    return str(getattr(scope.get("route"), "path", UNMATCHED))


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return bytes(value).decode("latin-1")
    return None


async def _internal_error(send: Any, request_id: str) -> None:
    body = json.dumps({
        "error": f"Internal error; this is a bug in Aurelius. Quote reference {request_id} "
                 "when you report it.",
        "reference": request_id,
    }).encode()
    await send({"type": "http.response.start", "status": 500,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
