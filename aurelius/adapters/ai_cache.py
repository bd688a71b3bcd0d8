"""The L2 response cache on Redis (`AURELIUS_REDIS_URL`); redis-py is imported on first use."""

from __future__ import annotations

from aurelius.adapters.redis_link import RedisLink


class RedisCache:
    """A Redis outage is a cache miss (the in-process L1 still answers), never an error."""

    def __init__(self, link: RedisLink) -> None:
        self._link = link

    def get(self, key: str) -> str | None:
        value = self._link.call(lambda redis: redis.get(key), lambda: None)
        if isinstance(value, bytes):
            return value.decode()
        return None if value is None else str(value)

    def set(self, key: str, value: str, ttl_seconds: int) -> None:
        self._link.call(lambda redis: redis.set(key, value, ex=ttl_seconds), lambda: None)
