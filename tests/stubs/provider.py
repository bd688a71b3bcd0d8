"""A routed loopback HTTP server for provider stand-ins (Google, Microsoft).

One server plays every host of a provider (its base URL replaces them all, as
`AURELIUS_GOOGLE_BASE_URL` / `AURELIUS_MICROSOFT_BASE_URL` do), so each part of a stand-in
(identity, calendar, mail) registers its routes on the same `ProviderStub`:

    stub = ProviderStub()
    google_identity.install(stub, state)
    google_calendar.install(stub, state)
    stub.start() ... stub.stop()

Handlers take a `Request` and return a `Response`. `stub.fault(pattern, status, ...)` makes
the next matching requests fail (outages, 429 with Retry-After) before any handler runs.
Every request is kept in `stub.log` as (method, path) for counting.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.stubs.server import Loopback


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names
    body: bytes
    match: re.Match[str] | None = None

    def json(self) -> Any:
        return json.loads(self.body or b"{}")

    def form(self) -> dict[str, str]:
        return {k: v[-1] for k, v in parse_qs(self.body.decode()).items()}

    @property
    def bearer(self) -> str | None:
        value = self.headers.get("authorization", "")
        return value[7:] if value.lower().startswith("bearer ") else None


@dataclass
class Response:
    status: int = 200
    payload: Any = None  # JSON-encoded when not None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"


Handler = Callable[[Request], Response]


@dataclass
class _Fault:
    pattern: re.Pattern[str]
    response: Response
    times: int


class ProviderStub(Loopback):
    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern[str], Handler]] = []
        self.faults: list[_Fault] = []
        self.log: list[tuple[str, str]] = []
        self.lock = threading.RLock()
        self._listen(self._handler())

    def route(self, method: str, pattern: str, handler: Handler) -> None:
        """`pattern` is a regular expression matched against the whole path (no query)."""
        self.routes.append((method, re.compile(pattern), handler))

    def fault(self, pattern: str, status: int, times: int = 1, **options: Any) -> None:
        """The next `times` requests whose path matches `pattern` get `status` (with
        `headers=` / `payload=` as given)."""
        with self.lock:
            response = Response(status=status, **options)
            self.faults.append(_Fault(re.compile(pattern), response, times))

    def count(self, method: str | None = None, pattern: str = "") -> int:
        found = re.compile(pattern)
        return sum(1 for m, p in self.log if (method in (None, m)) and found.search(p))

    def dispatch(self, request: Request) -> Response:
        with self.lock:
            self.log.append((request.method, request.path))
            fault = next((f for f in self.faults if f.pattern.search(request.path)), None)
            if fault is not None:
                fault.times -= 1
                if fault.times <= 0:
                    self.faults.remove(fault)
                return fault.response
            for method, pattern, handler in self.routes:
                match = pattern.fullmatch(request.path)
                if method == request.method and match:
                    request.match = match
                    return handler(request)
        return Response(404, {"error": {"code": 404, "message": "Not Found"}})

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stub = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            wbufsize = -1  # one write per answer: small unbuffered writes meet delayed ACKs (40 ms)

            def _serve(self) -> None:
                parts = urlsplit(self.path)
                length = int(self.headers.get("content-length") or 0)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query={k: v[-1] for k, v in parse_qs(parts.query).items()},
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=self.rfile.read(length) if length else b"",
                )
                _send(self, stub.dispatch(request))

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


def _send(handler: BaseHTTPRequestHandler, response: Response) -> None:
    body = response.body
    if response.payload is not None:
        body = json.dumps(response.payload).encode()
    handler.send_response(response.status)
    if body:
        handler.send_header("content-type", response.content_type)
    for name, value in response.headers.items():
        handler.send_header(name, value)
    handler.send_header("content-length", str(len(body)))
    handler.end_headers()
    handler.wfile.write(body)


def losing_first_answer(method: str) -> Any:
    """An httpx client whose first `method` request reaches the server but whose answer
    never comes back (a connection reset): what a retried create must survive."""
    import httpx

    lost: list[bool] = []

    def hook(response: httpx.Response) -> None:
        if response.request.method == method and not lost:
            lost.append(True)
            raise httpx.ReadError("connection reset after the request was served")

    return httpx.Client(event_hooks={"response": [hook]})
