"""Which scheduled backups to keep: the newest of each of the last N days and M ISO weeks."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from typing import TypeVar

T = TypeVar("T")


def keep(backups: Iterable[tuple[datetime, T]], *, daily: int, weekly: int) -> set[T]:
    """The backups to keep; every other one may go. A backup kept as a day's newest may also
    be its week's newest: the two rules overlap, they never add up to more than N + M."""
    newest_first = sorted(backups, key=lambda pair: pair[0], reverse=True)
    by_day = _newest_per(newest_first, lambda when: when.date(), daily)
    by_week = _newest_per(newest_first, lambda when: when.isocalendar()[:2], weekly)
    return by_day | by_week


def _newest_per(newest_first: list[tuple[datetime, T]], period: Callable[[datetime], Hashable],
                count: int) -> set[T]:
    kept: dict[Hashable, T] = {}
    for when, item in newest_first:
        if len(kept) >= count:
            break
        kept.setdefault(period(when), item)
    return set(kept.values())
