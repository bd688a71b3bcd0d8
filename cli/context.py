"""One set of services per CLI process, built on first use (so `--help` stays instant)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aurelius.bootstrap import Services
    from core.nlu import Parsed


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


def slots(text: str, literal: bool = False, **given: Any) -> dict[str, Any]:
    """What the offline parser reads in a whole command line, with the options the user gave
    explicitly (not None) on top. `literal`: the text is only a title, nothing is parsed."""
    found: dict[str, Any] = {} if literal else dict(understand(text).slots)
    return found | {name: value for name, value in given.items() if value is not None}


def understand(text: str) -> Parsed:
    """The offline parser's reading of a whole command line, in the user's zone and clock."""
    from core.nlu import parse

    settings = services().settings
    return parse(text, now(), settings.timezone, dayfirst=settings.dayfirst)


def duration(text: str) -> timedelta:
    from core.nlu.options import parse_duration

    return parse_duration(text)


def repeat(text: str | None) -> str | None:
    from core.nlu.options import parse_recurrence

    return parse_recurrence(text, now(), timezone()) if text else None
