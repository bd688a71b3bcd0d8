"""Live updates: committed changes are announced on the bus, in process and over Redis."""

from __future__ import annotations

import os
import queue
from datetime import date

import pytest

from aurelius.adapters.bus import InProcessBus, RedisBus
from aurelius.bootstrap import Services, build_services
from aurelius.settings import Settings
from core.errors import Invalid
from tests.conftest import ZONE

REDIS_URL = os.environ.get("AURELIUS_TEST_REDIS_URL")


def test_committed_changes_are_published_and_failed_ones_are_not(
    services: Services, user_id: int
) -> None:
    heard: list[tuple[str, dict[str, object]]] = []
    services.bus.subscribe(lambda topic, payload: heard.append((topic, payload)))
    task = services.tasks.add(user_id, "Buy milk", due=date(2026, 3, 11))
    services.tasks.complete(user_id, task.id)
    with pytest.raises(Invalid):
        services.tasks.complete(user_id, task.id)  # rolled back: nothing announced
    services.tasks.undo(user_id)
    assert [(t, p["action"], p["id"]) for t, p in heard] == [
        ("task.changed", "add", task.id),
        ("task.changed", "complete", task.id),
        ("task.changed", "undo", task.id),
    ]
    assert {p["user_id"] for _, p in heard} == {user_id}


def test_a_broken_listener_does_not_silence_the_others() -> None:
    bus, heard = InProcessBus(), []
    bus.subscribe(lambda topic, payload: 1 / 0)  # type: ignore[func-returns-value]
    stop = bus.subscribe(lambda topic, payload: heard.append(topic))
    bus.publish("task.changed", {"id": 1})
    stop()
    bus.publish("task.changed", {"id": 2})
    assert heard == ["task.changed"]


@pytest.mark.skipif(not REDIS_URL, reason="AURELIUS_TEST_REDIS_URL is not set")
def test_redis_bus_reaches_another_process_view(database_url: str) -> None:
    """Two service sets (as the CLI and an open TUI would be) share changes over Redis."""
    settings = Settings(database_url=database_url, timezone=ZONE, redis_url=REDIS_URL)
    writer, reader = build_services(settings), build_services(settings)
    assert isinstance(reader.bus, RedisBus)
    heard: queue.Queue[tuple[str, dict[str, object]]] = queue.Queue()
    stop = reader.bus.subscribe(lambda topic, payload: heard.put((topic, payload)))
    try:
        import time

        time.sleep(0.2)  # let the subscription reach Redis
        writer.reminders.add(writer.local_user_id(), "Stretch", writer.clock.now())
        topic, payload = heard.get(timeout=5)
        assert (topic, payload["action"]) == ("reminder.changed", "add")
    finally:
        stop()
        writer.close()
        reader.close()
