"""The response cache: L1 in-process LRU with a TTL, L2 (Redis) behind it when configured.

Keys follow the seed's scheme `ai:{type}:{hash}`; the hash covers the model chain and the
whole request, so a different prompt, tool set or tier never shares an entry.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import asdict

from core.ai.ports import Cache
from core.ai.types import ChatRequest, ChatResult, ToolCall, Usage


def cache_key(kind: str, chain: str, request: ChatRequest) -> str:
    payload = json.dumps([chain, asdict(request)], sort_keys=True, default=str)
    return f"ai:{kind}:{hashlib.sha256(payload.encode()).hexdigest()}"


class LRUCache:
    """A bounded, expiring in-process map; the clock is injectable for tests."""

    def __init__(
        self, capacity: int = 1024, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.capacity = capacity
        self._now = monotonic
        self._items: OrderedDict[str, tuple[float, str]] = OrderedDict()

    def get(self, key: str) -> str | None:
        item = self._items.get(key)
        if item is None:
            return None
        expires, value = item
        if expires <= self._now():
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    def set(self, key: str, value: str, ttl_seconds: int) -> None:
        self._items[key] = (self._now() + ttl_seconds, value)
        self._items.move_to_end(key)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)


class TieredCache:
    """L1 first; an L2 hit is copied into L1 so the next read stays in process."""

    def __init__(self, l1: LRUCache, l2: Cache | None = None, ttl_seconds: int = 300) -> None:
        self.l1, self.l2, self.ttl = l1, l2, ttl_seconds

    def get(self, key: str) -> tuple[ChatResult, str] | None:
        """The cached result and the level that had it ("l1" or "l2")."""
        text = self.l1.get(key)
        if text is not None:
            return decode(text), "l1"
        if self.l2 is None:
            return None
        text = self.l2.get(key)
        if text is None:
            return None
        self.l1.set(key, text, self.ttl)
        return decode(text), "l2"

    def put(self, key: str, result: ChatResult) -> None:
        text = encode(result)
        self.l1.set(key, text, self.ttl)
        if self.l2 is not None:
            self.l2.set(key, text, self.ttl)


def encode(result: ChatResult) -> str:
    return json.dumps(asdict(result))


def decode(text: str) -> ChatResult:
    data = json.loads(text)
    return ChatResult(
        text=data["text"],
        tool_calls=tuple(ToolCall(**call) for call in data["tool_calls"]),
        usage=Usage(**data["usage"]),
        model=data["model"],
        stop_reason=data["stop_reason"],
    )
