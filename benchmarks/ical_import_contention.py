"""Short writes during a long import: `task add` while `cal import` reads N events on SQLite.

    python benchmarks/ical_import_contention.py [--events 100000]

Runs the installed `aurelius` command in a fresh data dir: one `cal import` of a generated
file, and `task add` in a loop until the import ends. Prints the import's wall time, how many
task adds succeeded or failed, and their slowest and median latency (process start included).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

AURELIUS = str(Path(sys.executable).with_name("aurelius"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as home:
        env = {**os.environ, "AURELIUS_DATABASE_URL": f"sqlite:///{home}/aurelius.db",
               "AURELIUS_TIMEZONE": "Europe/Berlin", "HOME": home, "XDG_DATA_HOME": home,
               "XDG_CONFIG_HOME": home}  # fmt: skip
        ics = Path(home) / "big.ics"
        ics.write_text(calendar(args.events))
        subprocess.run([AURELIUS, "task", "list"], env=env, capture_output=True, check=True)
        began = time.perf_counter()
        importer = subprocess.Popen([AURELIUS, "cal", "import", str(ics)], env=env)
        latencies, failures = [], 0
        while importer.poll() is None:
            start = time.perf_counter()
            done = subprocess.run([AURELIUS, "task", "add", "ping"], env=env, capture_output=True)
            latencies.append(time.perf_counter() - start)
            failures += done.returncode != 0
        wall = time.perf_counter() - began
    print(f"import of {args.events} events: {wall:.1f} s, exit {importer.returncode}")
    median, slowest = statistics.median(latencies or [0]), max(latencies or [0])
    print(f"task add during it: {len(latencies) - failures} ok, {failures} failed, "
          f"median {median:.2f} s, slowest {slowest:.2f} s")  # fmt: skip


def calendar(count: int) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//benchmark//EN"]
    first = datetime(2026, 3, 2, 8, tzinfo=UTC)
    for i in range(count):
        start = first + timedelta(minutes=37 * i)
        end = start + timedelta(minutes=30)
        lines += ["BEGIN:VEVENT", f"UID:bench-{i}", f"SUMMARY:Event {i}",
                  f"DTSTART:{start:%Y%m%dT%H%M%SZ}", f"DTEND:{end:%Y%m%dT%H%M%SZ}",
                  "END:VEVENT"]  # fmt: skip
    return "\r\n".join([*lines, "END:VCALENDAR"]) + "\r\n"


if __name__ == "__main__":
    main()
