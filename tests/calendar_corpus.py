"""The calendar corpus (tests/data/calendars) checked against an independent expansion.

Each small calendar is imported for a user in a given zone; Aurelius's agenda over 2026 is
compared with what `recurring-ical-events` (a separate RFC 5545 implementation) expands from
the same file, and the exported file is expanded again the same way (export round trip).
A calendar names the VEVENTs that must be refused in `X-AURELIUS-EXPECT-SKIPPED`; those are
left out of the expectation and must appear in the import report.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from aurelius.bootstrap import Services
from core.timeutil import localize

CORPUS = Path(__file__).parent / "data" / "calendars"
WINDOW = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
ZONES = ("Europe/Berlin", "America/New_York")
Occurrence = tuple[datetime, datetime, str]


def _drop(title: str, day: str = "") -> Callable[[Occurrence, str], Occurrence | None]:
    def reading(occurrence: Occurrence, zone: str) -> Occurrence | None:
        local = occurrence[0].astimezone(_zone(zone)).date().isoformat()
        return None if occurrence[2] == title and local.startswith(day) else occurrence

    return reading


def _one_day(occurrence: Occurrence, zone: str) -> Occurrence:
    start = occurrence[0].astimezone(_zone(zone)).date()
    return _day_span(start, zone, occurrence[2])


def _day_span(day: date, zone: str, title: str) -> Occurrence:
    first = _instant(day, zone)
    return first, _instant(day + timedelta(days=1), zone), title


# Where this project reads a calendar differently from recurring-ical-events, on purpose
# (issue #19 asks for each): the expectation is that expansion, read as the RFC means it.
READINGS: dict[str, Callable[[Occurrence, str], Occurrence | None]] = {
    # an override for an occurrence the newer series (higher SEQUENCE) no longer has
    "17_override_removed_by_until": _drop("stale move"),
    # RECURRENCE-ID;VALUE=DATE names the timed occurrence of that day: it moved, not doubled
    "19_rid_date_on_timed": _drop("rid-date", "2026-03-03"),
    # an all-day event with DTEND = DTSTART lasts one day (RFC 5545 3.6.1)
    "25_allday_dtend_equal": _one_day,
    # DTSTART a DATE, DTEND a DATE-TIME: read as DTSTART's kind, an all-day event
    "29_mixed_value_types": lambda o, zone: _day_span(date(2026, 3, 4), zone, o[2]),
}


@dataclass(frozen=True)
class Result:
    name: str
    zone: str
    expected: int
    right: int
    exact: bool
    round_trip: bool
    skipped_as_expected: bool
    as_is: bool  # equal to recurring-ical-events without the documented readings
    missing: tuple[Occurrence, ...] = ()
    extra: tuple[Occurrence, ...] = ()


def calendars() -> list[Path]:
    return sorted(CORPUS.glob("*.ics"))


def check(services: Services, path: Path, zone: str) -> Result:
    """Import `path` for a fresh user in `zone` and compare everything with the expansion."""
    data = path.read_bytes()
    user = services.users.ensure("corpus", f"{path.stem}:{zone}", "Corpus", zone)
    report = services.calendar_files.import_ics(user, data)
    mine = agenda(services, user)
    wanted = expected(path, zone)
    exported = independent(services.calendar_files.export_ics(user), zone)
    return Result(
        name=path.stem,
        zone=zone,
        expected=sum(wanted.values()),
        right=sum((mine & wanted).values()),
        exact=mine == wanted,
        round_trip=exported == mine,
        skipped_as_expected={n.uid for n in report.skipped} == expected_skips(data),
        as_is=mine == independent(data, zone),
        missing=tuple(sorted((wanted - mine).elements())),
        extra=tuple(sorted((mine - wanted).elements())),
    )


def agenda(services: Services, user: int) -> Counter[Occurrence]:
    events = services.calendar.agenda(user, *WINDOW)
    return Counter((_utc(e.start), _utc(e.end), e.title) for e in events)


def expected(path: Path, zone: str) -> Counter[Occurrence]:
    """The independent expansion of `path`, with this project's documented readings."""
    found = independent(path.read_bytes(), zone)
    reading = READINGS.get(path.stem)
    if reading is None:
        return found
    read = (reading(occurrence, zone) for occurrence in found.elements())
    return Counter(occurrence for occurrence in read if occurrence is not None)


def expected_skips(data: bytes) -> set[str]:
    from icalendar import Calendar

    marked = str(Calendar.from_ical(data).get("x-aurelius-expect-skipped") or "")
    return {uid for uid in marked.split(",") if uid}


def independent(data: bytes, zone: str) -> Counter[Occurrence]:
    import recurring_ical_events
    from icalendar import Calendar

    calendar = Calendar.from_ical(data)
    skipped = expected_skips(data)
    calendar.subcomponents = [
        c for c in calendar.subcomponents if str(c.get("uid", "")) not in skipped or not skipped
    ]
    floating = str(calendar.get("x-wr-timezone") or zone)
    found: Counter[Occurrence] = Counter()
    for event in recurring_ical_events.of(calendar).between(*WINDOW):
        if str(event.get("status", "")).upper() == "CANCELLED":
            continue  # an instance with STATUS:CANCELLED is a cancelled occurrence
        start = _instant(event.decoded("dtstart"), floating)
        end = _instant(event.decoded("dtend"), floating) if "dtend" in event else start
        found[(start, end, str(event.get("summary", "")))] += 1
    return found


def _instant(value: Any, floating: str) -> datetime:
    if not isinstance(value, datetime):
        assert isinstance(value, date)
        value = datetime.combine(value, time())
    if value.tzinfo is None:
        value = localize(value, floating)
    return _utc(value)


def _zone(name: str) -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(UTC)
