"""The L2 response cache on Redis (`AURELIUS_REDIS_URL`); redis-py is imported on first use."""

from __future__ import annotations

import contextlib
from typing import Any


class RedisCache:
    def __init__(self, url: str) -> None:
        self._url = url
        self._client: Any = None

    def _redis(self) -> Any:
        if self._client is None:
            import redis

            self._client = redis.Redis.from_url(self._url, decode_responses=True)
        return self._client

    def get(self, key: str) -> str | None:
        import redis

        try:
            value = self._redis().get(key)
        except redis.RedisError:  # the cache is an optimisation: a Redis outage is a miss
            return None
        return str(value) if value is not None else None

    def set(self, key: str, value: str, ttl_seconds: int) -> None:
        import redis

        with contextlib.suppress(redis.RedisError):
            self._redis().set(key, value, ex=ttl_seconds)
