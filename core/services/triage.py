"""Triage: every new message gets one category, by rules first and the economy model for the
rest; corrections by the person become sender rules that win from then on.

The model is asked outside any database transaction, at most `model_batch` times per call
and only about recent mail (an initial sync of years of mail is filed by the rules alone);
offline the rules decide and the reason says so.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import Invalid, NotFound
from core.mail.rules import SENDER_RULE, Context, Mail, Verdict, decide, guess, summary_of
from core.models import Connection
from core.models.mail import CATEGORIES, MailMessage, MailSenderRule
from core.ports import Clock
from core.services.triage_surroundings import Surroundings, mail_of
from core.services.triage_views import TriageItem, grouped, latest_per_thread

MODEL, USER = "model", "user"
CHUNK = 500
SUMMARISED = ("needs_reply", "waiting")  # the brief shows these, so they get a model summary


class Opinion(Protocol):
    """What `classify` answers (core.ai.mail_classify.Opinion): a category of CATEGORIES or
    None, and a one-line summary or None."""

    @property
    def category(self) -> str | None: ...

    @property
    def summary(self) -> str | None: ...


Classify = Callable[[int, Mail, Context], "Opinion | None"]


@dataclass(frozen=True)
class Correction:
    message_id: int
    category: str
    sender: str | None  # the sender rule learned; None when nothing was learned
    refiled: int  # other messages of that sender moved with it
    why_not: str = ""

    def line(self) -> str:
        said = f"Filed message #{self.message_id} as {self.category}."
        if self.sender is None:
            return f"{said} {self.why_not}".strip()
        moved = f" ({self.refiled} earlier message(s) from them moved too)" if self.refiled else ""
        return f"{said} Learned: mail from {self.sender} is {self.category} from now on{moved}."


@dataclass(frozen=True)
class MailBrief:
    needs_count: int
    needs_you: list[TriageItem]
    waiting: list[TriageItem]


@dataclass(frozen=True)
class _Pending:
    id: int
    mail: Mail
    context: Context
    recent: bool  # worth a model call


class Triage:
    def __init__(self, db: Database, clock: Clock, classify: Classify | None = None, *,
                 model_days: int = 14, model_batch: int = 50, waiting_days: int = 30) -> None:
        self.db, self.clock, self.classify = db, clock, classify
        self.model_days, self.model_batch, self.waiting_days = model_days, model_batch, waiting_days

    def triage(self, user_id: int, message_ids: Iterable[int]) -> None:
        """File the given messages that have no category yet (the sync's `on_new` hook)."""
        ids = list(message_ids)
        budget = [self.model_batch]
        for start in range(0, len(ids), CHUNK):
            pending = self._load(user_id, ids[start : start + CHUNK])
            decided = {p.id: self._judge(user_id, p, budget) for p in pending}
            self._store(user_id, decided)

    def correct(self, user_id: int, message_id: int, category: str) -> Correction:
        if category not in CATEGORIES:
            raise Invalid(f"Unknown category {category!r}; use one of: {', '.join(CATEGORIES)}.")
        with self.db.transaction() as session:
            row = session.get(MailMessage, message_id)
            if row is None or row.user_id != user_id:
                raise NotFound(f"No message #{message_id}; `aurelius mail triage` lists them.")
            row.category, row.category_source = category, USER
            row.category_reason = f"you filed it as {category}"
            return _learn(session, row, category)

    def inbox(self, user_id: int) -> dict[str, list[TriageItem]]:
        since = self.clock.now() - timedelta(days=self.waiting_days)
        with self.db.transaction() as session:
            return grouped(latest_per_thread(session, user_id, since))

    def needs_you(self, user_id: int, limit: int = 5) -> list[TriageItem]:
        return self.inbox(user_id)["needs_reply"][:limit]

    def waiting(self, user_id: int) -> list[TriageItem]:
        return self.inbox(user_id)["waiting"]

    def brief(self, user_id: int, limit: int = 5) -> MailBrief | None:
        """The brief's mail sections; None when no mail account is connected."""
        with self.db.transaction() as session:
            linked = session.scalar(select(Connection.id).where(
                Connection.user_id == user_id, Connection.mail_enabled.is_(True)).limit(1))
        if linked is None:
            return None
        groups = self.inbox(user_id)
        needs = groups["needs_reply"]
        return MailBrief(len(needs), needs[:limit], groups["waiting"])

    def _load(self, user_id: int, ids: list[int]) -> list[_Pending]:
        recent_since = self.clock.now() - timedelta(days=self.model_days)
        with self.db.transaction() as session:
            rows = list(session.scalars(select(MailMessage).where(
                MailMessage.user_id == user_id, MailMessage.id.in_(ids),
                MailMessage.category.is_(None))))
            around = Surroundings.load(session, user_id, rows)
            return [_Pending(r.id, mail_of(r), around.context(r), _recent(r, recent_since))
                    for r in rows]

    def _judge(self, user_id: int, pending: _Pending, budget: list[int]) -> tuple[Verdict, str]:
        return judge(pending.mail, pending.context, lambda: self._ask(user_id, pending, budget))

    def _ask(self, user_id: int, pending: _Pending,
             budget: list[int]) -> tuple[Opinion | None, str]:
        available = self.classify is not None and getattr(self.classify, "available", True)
        if not available or self.classify is None:
            return None, "offline: rules alone decided"
        if not pending.recent:
            return None, f"rules only: older than {self.model_days} days"
        if budget[0] <= 0:
            return None, "rules only: this sync's model budget is spent"
        budget[0] -= 1
        opinion = self.classify(user_id, pending.mail, pending.context)
        return opinion, "rules only: the model did not answer"

    def _store(self, user_id: int, decided: dict[int, tuple[Verdict, str]]) -> None:
        with self.db.transaction() as session:
            for message_id, (verdict, summary) in decided.items():
                session.execute(
                    update(MailMessage)
                    .where(MailMessage.id == message_id, MailMessage.user_id == user_id,
                           MailMessage.category.is_(None))
                    .values(category=verdict.category, category_source=verdict.source,
                            category_reason=verdict.reason[:500], summary=summary[:500])
                )


Ask = Callable[[], "tuple[Opinion | None, str]"]  # the model's opinion, or why there is none


def judge(mail: Mail, context: Context, ask: Ask) -> tuple[Verdict, str]:
    """The verdict and one-line summary: a sure rule stands (the model may still write the
    summary of mail the brief shows); otherwise the model decides, else the rules' guess."""
    sure = decide(mail, context)
    fallback = summary_of(mail)
    if sure and (sure.category not in SUMMARISED or sure.source == SENDER_RULE):
        return sure, fallback
    opinion, why_not = ask()
    summary = (opinion.summary if opinion else None) or fallback
    if sure:
        return sure, summary
    if opinion and opinion.category:
        return Verdict(opinion.category, "the model read it; no rule was sure", MODEL), summary
    best = guess(mail, context)
    return Verdict(best.category, f"{best.reason} ({why_not})"), summary


def _recent(row: MailMessage, since: datetime) -> bool:
    return row.sent_at is None or row.sent_at >= since


def _learn(session: Session, row: MailMessage, category: str) -> Correction:
    """Turn a correction into a sender rule, and refile that sender's other mail the person
    has not filed by hand."""
    if row.from_me:
        return Correction(row.id, category, None, 0, "Your own mail teaches no sender rule.")
    if category == "waiting" or not row.sender_email:
        return Correction(row.id, category, None, 0,
                          "Waiting is about a thread, not a sender: nothing learned.")
    sender = row.sender_email.lower()
    rule = session.scalar(select(MailSenderRule).where(
        MailSenderRule.user_id == row.user_id, MailSenderRule.sender == sender))
    if rule is None:
        session.add(MailSenderRule(user_id=row.user_id, sender=sender, category=category))
    else:
        rule.category = category
    moved = session.execute(
        update(MailMessage)
        .where(MailMessage.user_id == row.user_id, MailMessage.id != row.id,
               MailMessage.sender_email.in_({row.sender_email, sender}),
               MailMessage.from_me.is_(False),
               or_(MailMessage.category_source.is_(None), MailMessage.category_source != USER),
               MailMessage.category.is_distinct_from(category))
        .values(category=category, category_source=SENDER_RULE,
                category_reason=f"you filed mail from {sender} as {category}")
    )
    return Correction(row.id, category, sender, int(getattr(moved, "rowcount", 0) or 0))

