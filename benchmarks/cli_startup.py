"""Median wall time of everyday `aurelius` commands, cold and warm, next to `python -c pass`.

    python benchmarks/cli_startup.py [--runs 15] [--tasks 1000]

Runs on a throw-away embedded database (AURELIUS_HOME in a temp dir) holding --tasks tasks,
with its own runtime dir (so its own warm server, stopped at the end). Cold means
AURELIUS_WARM=0 (every command imports everything, as before the warm server); warm means
through a running server. Bytecode is cached, as on any normal install. Also reports the
server's resident memory and what one forked child adds to it.
Targets (warm, over `python -c pass`): --version +15 ms, task list +60 ms, task add +80 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

COMMANDS = [("aurelius --version", ["--version"], 15),
            ("aurelius task list ({tasks})", ["task", "list"], 60),
            ("aurelius task add", ["task", "add", "Benchmark task"], 80)]


def paired_ms(command: list[str], env: dict[str, str], runs: int) -> tuple[float, float]:
    """Medians of `command` and of `python -c pass`, run alternately: on a loaded machine
    both see the same load, so their difference is what the command itself costs."""
    baseline = [sys.executable, "-c", "pass"]
    subprocess.run(command, env=env, capture_output=True, check=True)  # warm the disk cache
    took: list[float] = []
    python: list[float] = []
    for _ in range(runs):
        for samples, run in ((python, baseline), (took, command)):
            started = time.perf_counter()
            subprocess.run(run, env=env, capture_output=True, check=True)
            samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(took), statistics.median(python)


def fill(home: Path, count: int) -> None:
    os.environ["AURELIUS_HOME"] = str(home)
    from aurelius.bootstrap import build_services

    services = build_services()
    user = services.local_user_id()
    start = date.today()
    for number in range(count):
        services.tasks.add(user, f"Task {number}", due=start + timedelta(days=number % 60 - 20),
                           priority=number % 4 + 1, tags=[f"tag{number % 7}"],
                           project=f"project{number % 5}" if number % 3 else None)
    services.close()


def warm_status(aurelius: str, env: dict[str, str]) -> dict[str, object]:
    shown = subprocess.run([aurelius, "warm", "status", "--json"], env=env, capture_output=True,
                           text=True, check=True)
    report: dict[str, object] = json.loads(shown.stdout)
    return report


def start_server(aurelius: str, env: dict[str, str]) -> dict[str, object]:
    subprocess.run([aurelius, "--version"], env=env, capture_output=True, check=True)
    deadline = time.monotonic() + 60
    while not (report := warm_status(aurelius, env))["running"]:
        if time.monotonic() > deadline:
            raise TimeoutError("the warm server did not start")
        time.sleep(0.1)
    return report


def child_extra_mib(aurelius: str, env: dict[str, str], server: int) -> float:
    """Private memory of a child that is waiting on its stdin (the pages it did not share)."""
    waiting = subprocess.Popen([aurelius, "parse", "--batch", "-"], env=env, text=True,
                               stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    try:
        children = Path(f"/proc/{server}/task/{server}/children")
        while not children.read_text().split():
            time.sleep(0.01)
        time.sleep(0.2)  # let it reach the read
        rollup = Path(f"/proc/{children.read_text().split()[0]}/smaps_rollup").read_text()
        private = sum(int(line.split()[1]) for line in rollup.splitlines()
                      if line.startswith(("Private_Clean:", "Private_Dirty:")))
        return private / 1024
    finally:
        waiting.communicate("")


def report(label: str, took: float, baseline: float, target: int | None = None) -> None:
    goal = f"  target +{target} ms" if target is not None else ""
    print(f"{label:<34} {took:7.1f} ms  python -c pass {baseline:6.1f} ms  "
          f"(+{took - baseline:6.1f} ms){goal}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tasks", type=int, default=1000)
    args = parser.parse_args()
    aurelius = shutil.which("aurelius", path=str(Path(sys.executable).parent)) or "aurelius"
    with tempfile.TemporaryDirectory() as scratch:
        home, runtime = Path(scratch, "home"), Path(scratch, "run")
        runtime.mkdir()
        fill(home, args.tasks)
        # PYTHONDONTWRITEBYTECODE (set on this machine) would recompile every module each run.
        env = {**os.environ, "AURELIUS_HOME": str(home), "XDG_RUNTIME_DIR": str(runtime),
               "PYTHONPYCACHEPREFIX": f"{scratch}/pycache"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        for mode, extra in (("cold", {"AURELIUS_WARM": "0"}), ("warm", {})):
            server = start_server(aurelius, env) if mode == "warm" else {}
            for label, command, target in COMMANDS:
                took, baseline = paired_ms([aurelius, *command], {**env, **extra}, args.runs)
                report(f"{mode} {label.format(tasks=args.tasks)}", took, baseline,
                       target if mode == "warm" else None)
        resident = int(str(warm_status(aurelius, env)["rss_bytes"])) / 2**20
        extra = child_extra_mib(aurelius, env, int(str(server["pid"])))
        print(f"warm server resident memory: {resident:.0f} MiB; "
              f"one forked child adds {extra:.1f} MiB private")
        subprocess.run([aurelius, "warm", "stop"], env=env, capture_output=True, check=True)


if __name__ == "__main__":
    main()
