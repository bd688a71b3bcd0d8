"""Speed of the offline parser: in-process throughput and latency, cold import, batch CLI.

    python benchmarks/nlu.py [DEV_JSONL] [--parses 5000] [--imports 7]

DEV_JSONL defaults to the shared development set, ../shared/eval/dev.jsonl next to the repo.
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
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_DEV = REPO.parent / "shared" / "eval" / "dev.jsonl"


def load_cases(path: Path) -> list[dict[str, str]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def in_process(cases: list[dict[str, str]], total: int) -> tuple[float, float, float]:
    """(parses per second, median ms, p95 ms) over `total` parses after one warm-up pass."""
    sys.path.insert(0, str(REPO))
    from core.nlu import parse

    inputs = [(c["text"], datetime.fromisoformat(c["now"]), c["tz"]) for c in cases]
    for text, now, tz in inputs:  # warm-up: compiles the lazily built patterns
        parse(text, now, tz)
    samples: list[float] = []
    started = time.perf_counter()
    for i in range(total):
        text, now, tz = inputs[i % len(inputs)]
        t0 = time.perf_counter()
        parse(text, now, tz)
        samples.append((time.perf_counter() - t0) * 1000)
    elapsed = time.perf_counter() - started
    samples.sort()
    return total / elapsed, statistics.median(samples), samples[int(len(samples) * 0.95)]


def cold_import_ms(runs: int) -> float:
    """Median cumulative `import core.nlu` time reported by -X importtime, in a fresh process."""
    cache = tempfile.mkdtemp(prefix="nlu-pyc-")  # bytecode as when installed, outside the repo
    env = {**os.environ, "PYTHONPATH": str(REPO), "PYTHONPYCACHEPREFIX": cache}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    samples = []
    for _ in range(runs + 1):
        done = subprocess.run([sys.executable, "-X", "importtime", "-c", "import core.nlu"],
                              env=env, capture_output=True, text=True, check=True)
        last = [ln for ln in done.stderr.splitlines() if ln.rstrip().endswith("| core.nlu")]
        samples.append(int(last[-1].split("|")[1]) / 1000)
    shutil.rmtree(cache, ignore_errors=True)
    return statistics.median(samples[1:])  # the first run writes the bytecode cache


def batch_wall_s(path: Path) -> float:
    """Wall time of `aurelius parse --batch -` over the whole file (one process)."""
    aurelius = Path(sys.executable).with_name("aurelius")
    started = time.perf_counter()
    with path.open("rb") as stdin:
        subprocess.run([str(aurelius), "parse", "--batch", "-"], stdin=stdin,
                       capture_output=True, check=True)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dev", nargs="?", type=Path, default=DEFAULT_DEV)
    ap.add_argument("--parses", type=int, default=5000)
    ap.add_argument("--imports", type=int, default=7)
    args = ap.parse_args()
    cases = load_cases(args.dev)
    rate, median, p95 = in_process(cases, args.parses)
    print(f"cases: {len(cases)} from {args.dev}")
    print(f"in-process: {rate:,.0f} parses/s, median {median:.3f} ms, p95 {p95:.3f} ms "
          f"({args.parses} parses after warm-up)")
    print(f"cold import core.nlu: {cold_import_ms(args.imports):.1f} ms (median of "
          f"{args.imports})")
    print(f"aurelius parse --batch - over {len(cases)} cases: {batch_wall_s(args.dev):.2f} s wall")


if __name__ == "__main__":
    main()
