"""Time from launch to the first painted Today screen of `aurelius tui`.

    python benchmarks/tui.py [--tasks 1000] [--events 500] [--runs 5]

Seeds a throw-away embedded database (AURELIUS_HOME in a temp dir), then measures:
- in process: `create_app()` (building the services) until the Today screen is populated and
  painted, headless through Textual's test driver;
- a real process under tmux (when tmux is installed): from spawning `aurelius tui` until the
  task count shows in the captured pane, cold (AURELIUS_WARM=0: Python start-up and every
  import) and warm (through a running warm server, in this run's own runtime dir, stopped at
  the end). Bytecode is cached; the capture polling adds up to ~10 ms.
Target: warm under 400 ms with 1,000 tasks and 500 events.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ZONE = "Europe/Berlin"


def seed(tasks: int, events: int) -> None:
    """Tasks spread over two months, events over the weeks around today (a few repeat)."""
    from aurelius.bootstrap import build_services
    from core.services.calendars import NewEvent
    from core.timeutil import localize

    services = build_services()
    user = services.local_user_id()
    today = date.today()
    for number in range(tasks):
        services.tasks.add(user, f"Task {number}", due=today + timedelta(days=number % 60 - 20),
                           priority=number % 4 + 1, tags=[f"tag{number % 7}"])
    for number in range(events):
        day = today + timedelta(days=number % 50 - 25)
        start = localize(datetime.combine(day, datetime.min.time()), ZONE) + timedelta(
            hours=8 + number % 10)
        rule = "FREQ=WEEKLY" if number % 25 == 0 else None
        services.calendar.add(user, NewEvent(f"Event {number}", start,
                                             start + timedelta(minutes=45), recurrence=rule))
    services.close()


async def _in_process_once() -> float:
    from cli.tui import create_app

    started = time.perf_counter()
    app = create_app()
    painted = asyncio.Event()
    async with app.run_test(size=(120, 40)):
        while app.snapshot is None:  # set by the handler that fills the tables
            await asyncio.sleep(0.001)
        app.call_after_refresh(painted.set)  # runs once that content has been drawn
        await painted.wait()
        elapsed = time.perf_counter() - started
    return elapsed * 1000


def in_process(runs: int) -> list[float]:
    return [asyncio.run(_in_process_once()) for _ in range(runs)]


def under_tmux(runs: int, tasks: int, warm: bool) -> list[float]:
    aurelius = str(Path(sys.executable).with_name("aurelius"))
    keys = ("AURELIUS_HOME", "AURELIUS_TIMEZONE", "XDG_RUNTIME_DIR", "PYTHONPYCACHEPREFIX")
    given = {key: os.environ[key] for key in keys}
    given |= {"AURELIUS_WARM": "1" if warm else "0", "PYTHONDONTWRITEBYTECODE": ""}
    flags = [part for key, value in given.items() for part in ("-e", f"{key}={value}")]
    samples = []
    for run in range(runs):
        name = f"aurelius-bench-{os.getpid()}-{'warm' if warm else 'cold'}-{run}"
        started = time.perf_counter()
        subprocess.run(["tmux", "new-session", "-d", "-s", name, "-x", "120", "-y", "40",
                        *flags, f"{aurelius} tui"], check=True)
        try:
            while f"by urgency · {tasks}" not in _capture(name):
                if time.perf_counter() - started > 30:
                    raise TimeoutError("the Today screen never showed")
                time.sleep(0.005)
            samples.append((time.perf_counter() - started) * 1000)
        finally:
            subprocess.run(["tmux", "kill-session", "-t", name], capture_output=True, check=False)
    return samples


def start_warm_server() -> None:
    """Start this run's warm server and wait until it answers."""
    from aurelius.warm import control

    control.start()
    deadline = time.monotonic() + 60
    while not control.status()["running"]:
        if time.monotonic() > deadline:
            raise TimeoutError("the warm server did not start")
        time.sleep(0.05)


def _capture(name: str) -> str:
    return subprocess.run(["tmux", "capture-pane", "-p", "-t", name], capture_output=True,
                          text=True, check=False).stdout


def report(label: str, samples: list[float]) -> None:
    print(f"{label:<40} median {statistics.median(samples):7.0f} ms   "
          f"min {min(samples):6.0f}   max {max(samples):6.0f}   ({len(samples)} runs)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=1000)
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    home = Path(tempfile.mkdtemp(prefix="aurelius-tui-bench-"))
    os.environ.update(AURELIUS_HOME=str(home / "home"), AURELIUS_TIMEZONE=ZONE,
                      PYDANTIC_DISABLE_PLUGINS="__all__", XDG_RUNTIME_DIR=str(home / "run"),
                      PYTHONPYCACHEPREFIX=str(home / "pycache"))
    try:
        seed(args.tasks, args.events)
        print(f"Launch to first painted Today screen, {args.tasks} tasks, {args.events} events")
        report("in process (services + app + paint)", in_process(args.runs))
        if shutil.which("tmux"):
            under_tmux(1, args.tasks, warm=False)  # compiles and caches the bytecode
            report("cold real process under tmux (120x40)",
                   under_tmux(args.runs, args.tasks, warm=False))
            start_warm_server()
            report("warm real process under tmux (120x40)",
                   under_tmux(args.runs, args.tasks, warm=True))
        else:
            print("tmux not found: skipped the real-process measurement")
    finally:
        from aurelius.warm import control

        control.stop(wait=10)
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
