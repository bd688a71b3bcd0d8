"""Event buses: in this process (the embedded default), or Redis pub/sub across processes."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from typing import Any

from core.ports import Handler

CHANNEL = "aurelius:events"
log = logging.getLogger(__name__)


class InProcessBus:
    def __init__(self) -> None:
        self._handlers: list[Handler] = []
        self._lock = threading.Lock()

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        with self._lock:
            handlers = list(self._handlers)
        for handler in handlers:
            try:
                handler(topic, payload)
            except Exception:  # one broken listener must not silence the others
                log.exception("event handler failed for %s", topic)

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        with self._lock:
            self._handlers.append(handler)

        def unsubscribe() -> None:
            with self._lock:
                if handler in self._handlers:
                    self._handlers.remove(handler)

        return unsubscribe


class RedisBus:
    """Publishes JSON on one Redis channel; every subscriber (TUI, bots) runs a listener thread."""

    def __init__(self, redis_url: str) -> None:
        from redis import Redis

        self.redis = Redis.from_url(redis_url)

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        self.redis.publish(CHANNEL, json.dumps({"topic": topic, "payload": payload}))

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]

        def deliver(message: dict[str, Any]) -> None:
            event = json.loads(message["data"])
            handler(event["topic"], event["payload"])

        pubsub.subscribe(**{CHANNEL: deliver})
        thread = pubsub.run_in_thread(sleep_time=0.05, daemon=True)

        def unsubscribe() -> None:
            thread.stop()
            thread.join(timeout=1)  # closing under a listening thread makes it raise
            pubsub.close()

        return unsubscribe
