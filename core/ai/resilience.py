"""Retry with backoff and a circuit breaker per provider.

A provider that keeps failing is skipped for a while instead of costing every request a
timeout; after the reset period one trial call decides whether it is back (half-open).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from core.errors import ProviderUnavailable

T = TypeVar("T")


@dataclass
class CircuitBreaker:
    failures_to_open: int = 3
    reset_seconds: float = 30.0
    monotonic: Callable[[], float] = time.monotonic
    failures: int = 0
    opened_at: float | None = field(default=None)

    @property
    def state(self) -> str:
        if self.opened_at is None:
            return "closed"
        if self.monotonic() - self.opened_at >= self.reset_seconds:
            return "half-open"
        return "open"

    def allows(self) -> bool:
        return self.state != "open"

    def succeeded(self) -> None:
        self.failures, self.opened_at = 0, None

    def failed(self) -> None:
        self.failures += 1
        if self.failures >= self.failures_to_open or self.state == "half-open":
            self.opened_at = self.monotonic()


class Breakers:
    """One breaker per provider name, created on first use."""

    def __init__(
        self,
        failures_to_open: int,
        reset_seconds: float,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = (failures_to_open, reset_seconds, monotonic)
        self._by_provider: dict[str, CircuitBreaker] = {}

    def __getitem__(self, provider: str) -> CircuitBreaker:
        if provider not in self._by_provider:
            self._by_provider[provider] = CircuitBreaker(*self._settings)
        return self._by_provider[provider]


def with_retries(
    call: Callable[[], T],
    retries: int,
    backoff_seconds: float,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run `call`, retrying transient failures with exponential backoff (0.5 s, 1 s, ...).

    Only `ProviderUnavailable` is retried: configuration errors would fail the same way again.
    """
    for attempt in range(retries + 1):
        try:
            return call()
        except ProviderUnavailable:
            if attempt == retries:
                raise
            sleep(backoff_seconds * 2**attempt)
    raise AssertionError("unreachable")  # pragma: no cover
