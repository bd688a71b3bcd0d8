"""The two ports of the AI layer. Adapters raise `ProviderUnavailable` for failures worth
retrying elsewhere (429, 5xx, timeouts) and `ConfigError` for ones no retry fixes (400/401)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Protocol

from core.ai.types import ChatRequest, ChatResult


class ChatModel(Protocol):
    """One provider. `provider` names it in usage records and breaker state."""

    provider: str

    def complete(self, request: ChatRequest) -> ChatResult: ...

    def stream(self, request: ChatRequest) -> Iterator[str | ChatResult]:
        """Text deltas as they arrive, then exactly one final `ChatResult`."""
        ...


class Embedder(Protocol):
    provider: str

    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


class Cache(Protocol):
    """A string cache with expiry (the L2 behind the in-process L1)."""

    def get(self, key: str) -> str | None: ...

    def set(self, key: str, value: str, ttl_seconds: int) -> None: ...
