"""Every calendar of the corpus, in Berlin and New York, on SQLite and PostgreSQL: agenda,
free time, brief and export round trip agree with an independent RFC 5545 expansion (see
tests/calendar_corpus.py). Each test walks the whole corpus on one database and lists every
calendar that disagrees."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from aurelius.bootstrap import Services
from core.timeutil import day_bounds, localize
from core.timeutil import zone as zone_info
from tests.calendar_corpus import ZONES, Occurrence, calendars, check, expected

Span = tuple[datetime, datetime]


def test_the_corpus_has_at_least_forty_calendars() -> None:
    assert len(calendars()) >= 40


@pytest.mark.parametrize("zone", ZONES)
def test_agenda_and_export_match_the_independent_expansion(services: Services, zone: str) -> None:
    wrong = []
    for path in calendars():
        result = check(services, path, zone)
        if not (result.exact and result.round_trip and result.skipped_as_expected):
            wrong.append((result.name, result.missing, result.extra, result.round_trip))
        assert result.expected > 0, path.name
    assert wrong == []


@pytest.mark.parametrize("zone", ZONES)
def test_free_time_and_brief_follow_the_expanded_occurrences(services: Services, zone: str) -> None:
    wrong = []
    for path in calendars():
        user = services.users.ensure("corpus", f"{path.stem}:{zone}", "Corpus", zone)
        services.calendar_files.import_ics(user, path.read_bytes())
        wanted = list(expected(path, zone).elements())
        for day in sorted({o[0].astimezone(zone_info(zone)).date() for o in wanted})[:3]:
            start, end = day_bounds(day, zone)
            on_day = [o for o in wanted if o[0] < end and (o[1] > start or o[0] == o[1] >= start)]
            titles = sorted(e.title for e in services.briefings.build(user, day).events)
            opens, closes = (localize(datetime.combine(day, time(h)), zone) for h in (9, 18))
            free = services.calendar.free(user, day, timedelta(minutes=1))
            free_minutes = _minutes([(s.start, s.end) for s in free])
            if titles != sorted(o[2] for o in on_day) or free_minutes != _minutes(
                [(opens, closes)]
            ) - _minutes(on_day):
                wrong.append((path.stem, day))
    assert wrong == []


def _minutes(spans: list[Occurrence] | list[Span]) -> set[datetime]:
    """The minutes a list of spans covers: an independent way to subtract busy from open."""
    covered: set[datetime] = set()
    for span in spans:
        moment = span[0].astimezone(UTC).replace(second=0, microsecond=0)
        while moment < span[1]:
            covered.add(moment)
            moment += timedelta(minutes=1)
    return covered
