"""One set of services per CLI process, built on first use (so `--help` stays instant)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aurelius.bootstrap import Services


@cache
def services() -> Services:
    from aurelius.bootstrap import build_services

    return build_services()


def user_id() -> int:
    return services().local_user_id()


def timezone() -> str:
    return services().settings.timezone


def now() -> datetime:
    return services().clock.now()


def when(text: str) -> date | datetime:
    from core.nlu.options import parse_when

    return parse_when(text, now(), timezone())


def instant(text: str) -> datetime:
    """A point in time; a bare date means the start of that day."""
    from core.timeutil import day_bounds

    value = when(text)
    return value if isinstance(value, datetime) else day_bounds(value, timezone())[0]


def day(text: str | None) -> date:
    """A local calendar day; today when not given."""
    from core.timeutil import local_today

    value = when(text) if text else now()
    return local_today(value, timezone()) if isinstance(value, datetime) else value


def duration(text: str) -> timedelta:
    from core.nlu.options import parse_duration

    return parse_duration(text)


def repeat(text: str | None) -> str | None:
    from core.nlu.options import parse_recurrence

    return parse_recurrence(text, now(), timezone()) if text else None
