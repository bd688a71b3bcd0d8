"""One guarded way to Redis for the cache, the queue and the bus.

Redis is an accelerator: each of its uses has an embedded stand-in. So a Redis that refuses
connections or accepts them and never answers must cost milliseconds, not tracebacks: short
timeouts and no client-side retries, a circuit breaker (after one failure Redis is left alone
for `reset_seconds`, then one call tries again), and one warning line per outage. The open
breaker is also written to a small file in the data dir, so the next commands skip a dead
Redis without paying its timeout again.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlsplit

from core.ai.resilience import CircuitBreaker

T = TypeVar("T")
log = logging.getLogger("aurelius.redis")


class RedisLink:
    def __init__(
        self,
        url: str,
        timeout: float = 0.25,
        reset_seconds: float = 30.0,
        marker: Path | None = None,
    ) -> None:
        self.url, self.timeout, self.marker = url, timeout, marker
        self.breaker = CircuitBreaker(failures_to_open=1, reset_seconds=reset_seconds)
        self._client: Any = None
        self._lock = threading.Lock()
        self._warned = False

    @property
    def shown_url(self) -> str:
        """The URL without its password (it is printed in warnings)."""
        parts = urlsplit(self.url)
        host = parts.hostname or ""
        port = f":{parts.port}" if parts.port else ""
        return f"{parts.scheme}://{host}{port}{parts.path}"

    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                from redis import Redis
                from redis.backoff import NoBackoff
                from redis.retry import Retry

                self._client = Redis.from_url(
                    self.url,
                    socket_connect_timeout=self.timeout,
                    socket_timeout=self.timeout,
                    retry=Retry(NoBackoff(), 0),  # the breaker decides when to try again
                )
            return self._client

    def up(self) -> bool:
        """False while the breaker is open, here or (through the marker) in another process."""
        return self.breaker.allows() and not self._marked_down()

    def call(self, action: Callable[[Any], T], fallback: Callable[[], T]) -> T:
        """`action(redis)`, or `fallback()` when Redis is down or fails now."""
        if not self.up():
            return fallback()
        errors = _errors()
        try:
            result = action(self.client())
        except errors as error:
            self.failed(error)
            return fallback()
        self.succeeded()
        return result

    def failed(self, error: BaseException) -> None:
        self.breaker.failed()
        self._mark(time.time() + self.breaker.reset_seconds)
        if not self._warned:
            self._warned = True
            log.warning(
                "Redis at %s is unreachable (%s); using the embedded cache, queue and bus, "
                "trying again in %g s.",
                self.shown_url,
                _reason(error),
                self.breaker.reset_seconds,
            )

    def succeeded(self) -> None:
        if self._warned:
            log.warning("Redis at %s answers again.", self.shown_url)
            self._warned = False
            self._mark(0)
        self.breaker.succeeded()

    def _marked_down(self) -> bool:
        if self.marker is None:
            return False
        try:
            until = float(self.marker.read_text().split()[0])
        except (OSError, ValueError, IndexError):
            return False
        return time.time() < until

    def _mark(self, until: float) -> None:
        if self.marker is None:
            return
        try:
            self.marker.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            if until:
                self.marker.write_text(f"{until}\n")
            else:
                self.marker.unlink(missing_ok=True)
        except OSError:  # the marker only saves time; without it each process finds out itself
            pass


def _errors() -> tuple[type[Exception], ...]:
    """What a Redis that is down raises: redis-py's errors, or the socket's own."""
    from redis.exceptions import RedisError

    return (RedisError, OSError)


def _reason(error: BaseException) -> str:
    text = str(error).split("\n")[0][:120]
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
