"""One set of services per CLI process, built on first use (so `--help` stays instant)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
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


def at_time(value: date | datetime, default: time) -> datetime:
    """An instant: a bare date gets the `default` local time of day."""
    from core.timeutil import localize

    if isinstance(value, datetime):
        return value
    return localize(datetime.combine(value, default), timezone())


def day(text: str | None) -> date:
    """A local calendar day; today when not given."""
    from core.timeutil import local_today

    value = when(text) if text else now()
    return local_today(value, timezone()) if isinstance(value, datetime) else value


class Line:
    """What the offline parser read in a whole command line; explicit options win over it.

    With `raw` the text is taken literally: for a title the parser would misread, and
    whenever the time is given as an option (then the text is only the title).
    """

    def __init__(self, text: str, raw: bool = False) -> None:
        self.text = text
        self.slots: dict[str, Any] = {} if raw else dict(understand(text).slots)

    def title(self) -> str:
        return str(self.slots.get("title") or self.text)

    def first_time(self, *names: str) -> date | datetime | None:
        for name in names:
            value = self.slots.get(name)
            if isinstance(value, date):
                return value
        return None


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
