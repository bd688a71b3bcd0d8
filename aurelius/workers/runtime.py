"""The services of a worker process, built on first use (RQ imports job functions by name)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aurelius.bootstrap import Services

_lock = threading.Lock()
_current: list[Services] = []


def services() -> Services:
    with _lock:
        if not _current:
            from aurelius.bootstrap import build_services

            _current.append(build_services())
        return _current[0]


def use(services: Services | None) -> None:
    """Make job functions in this process use `services` (the embedded runner and tests)."""
    with _lock:
        _current.clear()
        if services is not None:
            _current.append(services)
