"""Precision when acting: how often the offline path is right when it acts without asking.

    python benchmarks/nlu_acting.py CASES.jsonl [--scorer ../shared/eval/score_nlu.py]

A case counts as *right* when the scorer (shared/eval/score_nlu.py, run once over every case
through `aurelius parse --batch -`) finds its intent and every expected slot correct. The offline
path *acts* on a case when `core.ai.offline.understood()` — the gate the assistant uses — is
true for the parser's reading. Prints the share acted on, the precision among those, and the
wrong readings it would have acted on.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def read_cases(path: Path) -> list[dict[str, object]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def scored(cases_path: Path, scorer: Path, command: str) -> dict[str, bool]:
    """Case id -> right (intent and every expected slot), as the shared scorer judges it."""
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "results.jsonl"
        subprocess.run(
            [sys.executable, str(scorer), str(cases_path), "--cmd", command, "--dump", str(dump)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        rows = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
    return {row["id"]: bool(row["intent_ok"] and not row["slot_errors"]) for row in rows}


def acts(case: dict[str, object]) -> bool:
    from core.ai.offline import understood
    from core.nlu import parse

    zone = str(case["tz"])
    now = datetime.fromisoformat(str(case["now"])).replace(tzinfo=ZoneInfo(zone))
    return understood(parse(str(case["text"]), now, zone))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", type=Path)
    parser.add_argument("--scorer", type=Path, default=ROOT.parent / "shared/eval/score_nlu.py")
    parser.add_argument("--cmd", default="aurelius parse --batch -")
    parser.add_argument("--show", type=int, default=15, help="wrong actions to list")
    args = parser.parse_args()
    cases = read_cases(args.cases)
    right = scored(args.cases, args.scorer, args.cmd)
    acted = [case for case in cases if acts(case)]
    wrong = [case for case in acted if not right.get(str(case["id"]), False)]
    share = len(acted) / len(cases) if cases else 0.0
    precision = (len(acted) - len(wrong)) / len(acted) if acted else 0.0
    print(f"cases: {len(cases)}   right overall: {sum(right.values()) / len(cases):.1%}")
    print(f"acted on without asking: {len(acted)} ({share:.1%})")
    print(f"precision when acting: {precision:.1%} ({len(acted) - len(wrong)}/{len(acted)})")
    for case in wrong[: args.show]:
        print(f"  wrong: {case['id']} [{case.get('category')}] {case['text']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
