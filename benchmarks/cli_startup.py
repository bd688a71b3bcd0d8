"""Median wall time of everyday `aurelius` commands next to `python -c pass`.

    python benchmarks/cli_startup.py [--runs 15] [--tasks 1000]

Runs on a throw-away embedded database (AURELIUS_HOME in a temp dir) holding --tasks tasks.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path


def median_ms(command: list[str], env: dict[str, str], runs: int) -> float:
    subprocess.run(command, env=env, capture_output=True, check=True)  # warm the disk cache
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--tasks", type=int, default=1000)
    args = parser.parse_args()
    executable = shutil.which("aurelius", path=str(Path(sys.executable).parent)) or "aurelius"
    with tempfile.TemporaryDirectory() as home:
        fill(Path(home), args.tasks)
        # Bytecode is cached as on any normal install (this machine sets
        # PYTHONDONTWRITEBYTECODE, which would recompile every module on every run).
        env = {**os.environ, "AURELIUS_HOME": home, "PYTHONPYCACHEPREFIX": f"{home}/pycache"}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        baseline = median_ms([sys.executable, "-c", "pass"], env, args.runs)
        print(f"{'python -c pass':<28} {baseline:7.1f} ms")
        for label, extra in [("aurelius --version", ["--version"]),
                             (f"aurelius task list ({args.tasks})", ["task", "list"]),
                             ("aurelius task add", ["task", "add", "Benchmark task"])]:
            took = median_ms([executable, *extra], env, args.runs)
            print(f"{label:<28} {took:7.1f} ms  (+{took - baseline:.1f} ms over python)")


if __name__ == "__main__":
    main()
