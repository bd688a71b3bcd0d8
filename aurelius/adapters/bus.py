"""Event buses: in this process (the embedded default), or Redis pub/sub across processes."""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from aurelius.adapters.redis_link import RedisLink
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
    """Publishes JSON on one Redis channel; every subscriber (TUI, bots) runs a listener thread.

    While Redis is unreachable, events reach this process's own subscribers (the embedded
    bus) and other processes miss them: live updates are a courtesy, the data is committed.
    """

    def __init__(self, link: RedisLink) -> None:
        self.link = link
        self.local = InProcessBus()

    def publish(self, topic: str, payload: dict[str, Any]) -> None:
        message = json.dumps({"topic": topic, "payload": payload})
        self.link.call(
            lambda redis: redis.publish(CHANNEL, message),
            lambda: self.local.publish(topic, payload),
        )

    def subscribe(self, handler: Handler) -> Callable[[], None]:
        local = self.local.subscribe(handler)
        remote = self.link.call(lambda redis: self._listen(redis, handler), lambda: None)

        def unsubscribe() -> None:
            local()
            if remote:
                remote()

        return unsubscribe

    def _listen(self, redis: Any, handler: Handler) -> Callable[[], None]:
        pubsub = redis.pubsub(ignore_subscribe_messages=True)

        def deliver(message: dict[str, Any]) -> None:
            event = json.loads(message["data"])
            handler(event["topic"], event["payload"])

        def lost(error: BaseException, *_: Any) -> None:  # one warning, no traceback loop
            self.link.failed(error)
            time.sleep(1.0)

        pubsub.subscribe(**{CHANNEL: deliver})
        thread = pubsub.run_in_thread(sleep_time=0.05, daemon=True, exception_handler=lost)

        def unsubscribe() -> None:
            thread.stop()
            thread.join(timeout=1)  # closing under a listening thread makes it raise
            pubsub.close()

        return unsubscribe
