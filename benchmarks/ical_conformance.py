"""Calendar conformance: the corpus in tests/data/calendars against an independent expansion.

    python benchmarks/ical_conformance.py [--verbose]

For each zone (Europe/Berlin, America/New_York) every calendar is imported into a fresh
SQLite database; Aurelius's 2026 agenda is compared with `recurring-ical-events` expanding
the same file, and with it expanding Aurelius's export. Prints occurrences right, calendars
exact and export round trip per zone.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aurelius.bootstrap import build_services
from aurelius.migrate import upgrade
from aurelius.settings import Settings
from tests.calendar_corpus import ZONES, Result, calendars, check


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true", help="show each difference")
    args = parser.parse_args()
    for zone in ZONES:
        results = run(zone)
        summarise(zone, results)
        if args.verbose:
            for result in results:
                show(result)


def run(zone: str) -> list[Result]:
    with tempfile.TemporaryDirectory() as home:
        url = f"sqlite:///{home}/aurelius.db"
        services = build_services(Settings(database_url=url, timezone=zone))
        upgrade(services.db.engine)
        try:
            return [check(services, path, zone) for path in calendars()]
        finally:
            services.close()


def summarise(zone: str, results: list[Result]) -> None:
    expected = sum(r.expected for r in results)
    right = sum(r.right for r in results)
    exact = sum(r.exact and r.skipped_as_expected for r in results)
    trips = sum(r.round_trip for r in results)
    count = len(results)
    as_is = sum(r.as_is for r in results)
    print(
        f"{zone}: occurrences right {right}/{expected} ({100 * right / max(expected, 1):.1f} %), "
        f"calendars exact {exact}/{count}, export round trip {trips}/{count} "
        f"(equal to recurring-ical-events as is: {as_is}/{count}; the rest differ on purpose, "
        "see READINGS in tests/calendar_corpus.py)"
    )


def show(result: Result) -> None:
    if result.exact and result.round_trip and result.skipped_as_expected:
        return
    print(f"  {result.name}: exact={result.exact} trip={result.round_trip} "
          f"skips={result.skipped_as_expected}")  # fmt: skip
    for occurrence in result.missing:
        print(f"    missing {occurrence}")
    for occurrence in result.extra:
        print(f"    extra   {occurrence}")


if __name__ == "__main__":
    main()
