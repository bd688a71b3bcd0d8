"""Per-identity rate limits: a small token bucket per chat account, in memory.

In memory is enough: one bot process serves a chat account, and a restart forgiving a
burst is harmless. The limit protects the assistant (and the AI bill) from floods.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = max(1, per_minute)
        self.refill = self.capacity / 60.0  # tokens per second
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()  # handlers run in worker threads

    def allow(self, key: str) -> bool:
        """Take one token for `key`; False when its bucket is empty."""
        now = self.clock()
        with self._lock:
            tokens, since = self._buckets.get(key, (float(self.capacity), now))
            tokens = min(self.capacity, tokens + (now - since) * self.refill)
            if tokens < 1:
                self._buckets[key] = (tokens, now)
                return False
            self._buckets[key] = (tokens - 1, now)
            return True
