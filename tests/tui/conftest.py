"""Pilot helpers: the production app factory on the test services, run inside asyncio.run.

pytest-asyncio is not a dependency; each test is a plain function that runs its own loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from contextlib import asynccontextmanager
from typing import Any

import pytest

from aurelius.bootstrap import Services
from cli.tui import AureliusApp, create_app

SIZE = (120, 40)


def run(scenario: Coroutine[Any, Any, None]) -> None:
    asyncio.run(scenario)


async def until(pilot: Any, ready: Callable[[], bool], seconds: float = 5.0) -> None:
    """Let the app run until `ready()` holds; fail with the condition's name if it never does."""
    for _ in range(int(seconds / 0.02)):
        if ready():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting for {getattr(ready, '__name__', ready)}")


async def loaded(pilot: Any) -> None:
    app: AureliusApp = pilot.app
    await until(pilot, lambda: app.snapshot is not None)
    await pilot.pause()


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press(*("space" if char == " " else char for char in text))


@asynccontextmanager
async def started(make: Callable[[], AureliusApp]) -> AsyncIterator[tuple[AureliusApp, Any]]:
    """The app running headless at SIZE, its Today screen loaded: `(app, pilot)`."""
    app = make()
    async with app.run_test(size=SIZE) as pilot:
        await loaded(pilot)
        yield app, pilot


@pytest.fixture
def make_app(services: Services, user_id: int) -> Callable[[], AureliusApp]:
    return lambda: create_app(services, user_id)


Scenario = Callable[[Any], Awaitable[None]]
