"""Mail triage benchmark over the labelled set benchmarks/data/mail_triage.jsonl.

    .venv/bin/python benchmarks/mail_triage.py [--errors] [--rules-only]

Prints accuracy and the confusion matrix (rows: expected, columns: decided) for
1. rules only: what Aurelius files offline (`decide`, else `guess`), and how much of the
   set the sure rules decide by themselves and how accurately;
2. rules + model: the same pipeline as `Triage` (`judge`), the undecided mail going through
   `MailClassifier`, the gateway and the real Anthropic SDK to the loopback stand-in
   tests/stubs/anthropic.py. The stand-in is scripted with the labelled answer, so this
   measures the plumbing and the ceiling of a perfect model on what the rules leave; a
   real model can only do worse on those.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from aurelius.adapters.clock import FixedClock
from aurelius.bootstrap import build_services
from aurelius.settings import Settings
from core.ai.mail_classify import MailClassifier
from core.mail.rules import Context, Mail, Verdict, decide, guess
from core.models.mail import CATEGORIES
from core.services.triage import judge
from core.services.triage_views import address_of, name_of
from core.timeutil import localize
from tests.stubs.anthropic import AnthropicStub
from tests.stubs.server import Scripted

DATA = Path(__file__).resolve().parent / "data" / "mail_triage.jsonl"
ME = "dana@lumenworks.io"
SHORT = {"needs_reply": "reply", "waiting": "wait", "fyi": "fyi", "newsletter": "news",
         "receipt": "rcpt", "notification": "notif", "cold_outreach": "cold"}
PLANS = {"bench": {"tiers": ["economy", "default"], "daily_requests": 10**6,
                   "monthly_budget_usd": 10**6, "requests_per_minute": 10**6}}
TUNING, HOLDOUT = "tuning", "holdout"  # holdout: written after the rules were tuned
Sample = tuple[dict[str, Any], Mail, Context]


def load(path: Path = DATA) -> list[Sample]:
    """Each labelled message as the rules read it."""
    entries = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
               if line.strip()]
    contacts = correspondents(entries)
    return [(entry, mail_of(entry), context_of(entry, contacts)) for entry in entries]


def correspondents(entries: list[dict[str, Any]]) -> frozenset[str]:
    """Whom the person writes to: the known senders and the recipients of their own mail."""
    found = {address_of(e["from"]) for e in entries if e.get("known")}
    for entry in entries:
        if entry.get("from_me"):
            found.update(address_of(a) for a in entry.get("to", []) + entry.get("cc", []))
    return frozenset(found - {ME})


def mail_of(entry: dict[str, Any]) -> Mail:
    headers = {k.lower(): v for k, v in entry.get("headers", {}).items()}
    return Mail(
        sender_name=name_of(entry["from"]), sender_email=address_of(entry["from"]),
        subject=entry["subject"], body=entry["body"],
        to=tuple(address_of(a) for a in entry.get("to", [])),
        cc=tuple(address_of(a) for a in entry.get("cc", [])),
        headers=headers, from_me=entry.get("from_me", False),
        attachments=tuple(entry.get("attachments", [])),
        list_unsubscribe=headers.get("list-unsubscribe"),
    )


def context_of(entry: dict[str, Any], contacts: frozenset[str]) -> Context:
    replied = any(earlier.get("from_me") for earlier in entry.get("thread", []))
    others = {address_of(a) for a in entry.get("to", []) + entry.get("cc", [])}
    others.discard(address_of(entry["from"]))
    return Context(me=frozenset({ME}), replied_in_thread=replied and not entry.get("from_me"),
                   known_sender=bool(entry.get("known")), with_contacts=bool(others & contacts))


def rules_only(sample: Sample) -> Verdict:
    _, mail, context = sample
    return decide(mail, context) or guess(mail, context)


def with_model(stub: AnthropicStub, classify: MailClassifier, user_id: int) -> Callable[
        [Sample], Verdict]:
    def run(sample: Sample) -> Verdict:
        entry, mail, context = sample

        def ask() -> tuple[Any, str]:
            answer = {"category": entry["expected"], "summary": entry["subject"][:90]}
            stub.enqueue(Scripted(text=json.dumps(answer)))
            return classify(user_id, mail, context), "the model did not answer"

        return judge(mail, context, ask)[0]

    return run


def report(title: str, samples: list[Sample], verdicts: list[Verdict], errors: bool) -> None:
    pairs = [(s[0]["expected"], v.category) for s, v in zip(samples, verdicts, strict=True)]
    print(f"\n{title}: accuracy {_share(pairs)}")
    for split in (TUNING, HOLDOUT):
        chosen = [p for s, p in zip(samples, pairs, strict=True) if _split(s) == split]
        print(f"  {split}: {_share(chosen)}")
    by_source = Counter(v.source for v in verdicts)
    print("  decided by: " + ", ".join(f"{k} {n}" for k, n in sorted(by_source.items())))
    matrix(pairs)
    if errors:
        for (entry, _, _), verdict in zip(samples, verdicts, strict=True):
            if verdict.category != entry["expected"]:
                print(f"  x {entry['id']}: expected {entry['expected']}, got "
                      f"{verdict.category} ({verdict.reason})")


def _share(pairs: list[tuple[str, str]]) -> str:
    right = sum(a == b for a, b in pairs)
    return f"{right}/{len(pairs)} = {right / max(len(pairs), 1):.1%}"


def _split(sample: Sample) -> str:
    return str(sample[0].get("split", TUNING))


def matrix(pairs: Iterable[tuple[str, str]]) -> None:
    counts = Counter(pairs)
    print("  expected \\ got " + "".join(f"{SHORT[c]:>7}" for c in CATEGORIES))
    for row in CATEGORIES:
        cells = "".join(f"{counts.get((row, col), 0) or '.':>7}" for col in CATEGORIES)
        print(f"  {row:<15}{cells}")


def sure_rules(samples: list[Sample]) -> None:
    sure = [(s[0]["expected"], decide(s[1], s[2])) for s in samples]
    decided = [(want, v) for want, v in sure if v is not None]
    right = sum(want == v.category for want, v in decided)
    print(f"\nSure rules alone decide {len(decided)}/{len(samples)} "
          f"({len(decided) / len(samples):.0%}), {right}/{len(decided)} correctly "
          f"({right / max(len(decided), 1):.1%}); the rest goes to the model online.")


def main() -> None:
    errors = "--errors" in sys.argv
    samples = load()
    print(f"{len(samples)} labelled messages: " + ", ".join(
        f"{c} {n}" for c, n in Counter(s[0]["expected"] for s in samples).most_common()))
    report("Rules only (offline)", samples, [rules_only(s) for s in samples], errors)
    sure_rules(samples)
    if "--rules-only" in sys.argv:
        return
    stub = AnthropicStub().start()
    try:
        with tempfile.TemporaryDirectory() as folder:
            settings = Settings(database_url=f"sqlite:///{folder}/bench.db",
                                anthropic_api_key="sk-bench", anthropic_base_url=stub.url,
                                plan="bench", ai_plans=PLANS)
            clock = FixedClock(localize(datetime(2026, 3, 10, 9), "Europe/Berlin"))
            built = build_services(settings, clock=clock)
            run = with_model(stub, MailClassifier(built.ai.gateway), built.local_user_id())
            verdicts = [run(s) for s in samples]
            built.close()
        report("Rules + model (stand-in scripted with the labels)", samples, verdicts, errors)
        print(f"  model calls through the SDK: {stub.calls}")
    finally:
        stub.stop()


if __name__ == "__main__":
    main()
