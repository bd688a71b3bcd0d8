"""Interfaces to the outside world. Adapters in `aurelius.adapters` implement them."""

from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """The current instant, always timezone-aware. Tests pass a fixed clock."""

    def now(self) -> datetime: ...
