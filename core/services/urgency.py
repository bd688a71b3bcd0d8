"""Explainable urgency, after Taskwarrior: a sum of factor x coefficient terms.

Each factor is in [0, 1]; coefficients are settings so people can tune what matters to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from operator import itemgetter

from core.services.views import UrgencyTerm
from core.timeutil import localize

PRIORITY_FACTORS = {1: 1.0, 2: 0.65, 3: 0.3, 4: 0.0}
TAG_FACTORS = {0: 0.0, 1: 0.8, 2: 0.9}


@dataclass(frozen=True)
class UrgencyCoefficients:
    due: float = 12.0
    priority: float = 6.0
    age: float = 2.0
    age_max_days: int = 365
    tags: float = 1.0
    project: float = 1.0


def due_instant(due: date | datetime, tz_name: str) -> datetime:
    """A date-only due counts as due at the end of that local day."""
    if isinstance(due, datetime):
        return due
    return _end_of_day(due, tz_name)


@lru_cache(maxsize=4096)
def _end_of_day(day: date, tz_name: str) -> datetime:  # a listing asks for the same days a lot
    return localize(datetime.combine(day, time(23, 59, 59)), tz_name)


def due_factor(due: date | datetime | None, now: datetime, tz_name: str) -> float:
    """1.0 a week or more overdue, 0.2 two weeks or more ahead, linear in between."""
    if due is None:
        return 0.0
    days_overdue = (now - due_instant(due, tz_name)) / timedelta(days=1)
    if days_overdue >= 7:
        return 1.0
    if days_overdue >= -14:
        return (days_overdue + 14) * 0.8 / 21 + 0.2
    return 0.2


def terms(
    *,
    priority: int,
    due: date | datetime | None,
    tags: list[str],
    project: str | None,
    created_at: datetime,
    now: datetime,
    tz_name: str,
    weights: UrgencyCoefficients,
) -> list[UrgencyTerm]:
    """The non-zero terms that make up a task's urgency, largest first."""
    age_days = max((now - created_at) / timedelta(days=1), 0.0)
    candidates = (
        ("due", due_factor(due, now, tz_name), weights.due),
        ("priority", PRIORITY_FACTORS.get(priority, 0.0), weights.priority),
        ("age", min(age_days / weights.age_max_days, 1.0), weights.age),
        ("tags", TAG_FACTORS.get(len(tags), 1.0), weights.tags),
        ("project", 1.0 if project else 0.0, weights.project),
    )
    # One pass, building only the terms that count: a listing scores every task.
    present = sorted(
        ((factor * weight, name, factor, weight) for name, factor, weight in candidates
         if factor * weight > 0),
        key=itemgetter(0), reverse=True,
    )
    return [UrgencyTerm(name, factor, weight) for _, name, factor, weight in present]
