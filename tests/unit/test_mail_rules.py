"""The triage rules alone: what each sure rule files, what it leaves to the model, and the
labelled set the benchmark measures."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from core.mail.rules import Context, Mail, asks, decide, guess, own_text, summary_of
from core.models.mail import CATEGORIES

ME = frozenset({"dana@example.org"})
FRIEND = Context(me=ME, known_sender=True)
STRANGER = Context(me=ME)


def mail(sender: str = "ann@b.example", subject: str = "Hi", body: str = "Hello",
         **extra: object) -> Mail:
    extra.setdefault("to", ("dana@example.org",))
    extra.setdefault("sender_name", "Ann")
    return Mail(sender_email=sender, subject=subject, body=body, **extra)  # type: ignore[arg-type]


@pytest.mark.parametrize(("message", "category"), [
    (mail(headers={"list-unsubscribe": "<https://x/u>"}), "newsletter"),
    (mail(headers={"precedence": "bulk"}), "newsletter"),
    (mail(list_unsubscribe="<mailto:u@x>"), "newsletter"),
    (mail(headers={"list-id": "<team.x>", "list-post": "<mailto:team@x>"}), "fyi"),
    (mail(headers={"auto-submitted": "auto-replied"}, subject="Out of office"), "notification"),
    (mail(sender="no-reply@accounts.example", subject="New sign-in"), "notification"),
    (mail(sender="notifications@github.com", subject="[repo] merged"), "notification"),
    (mail(subject="Invitation: Weekly @ Wed 10:00"), "notification"),
    (mail(attachments=("invite.ics",)), "notification"),
    (mail(sender="receipts@stripe.com", subject="Your receipt from Linear"), "receipt"),
    (mail(subject="Ihre Rechnung für Februar", sender="rechnung@telekom.example"), "receipt"),
    (mail(subject="Invoice 17", attachments=("Invoice_17.pdf",), body="Thanks!"), "receipt"),
    (mail(sender="no-reply@shop.example", subject="Versandt: Ihre Bestellung"), "notification"),
    (mail(sender_name="Tom Reyes via Figma", sender="tom@x.example"), "notification"),
    (mail(body="Lunch?"), None),
])
def test_sure_rules(message: Mail, category: str | None) -> None:
    verdict = decide(message, STRANGER)
    assert (verdict.category if verdict else None) == category


def test_a_person_s_invoice_with_a_question_is_left_for_an_answer() -> None:
    message = mail(subject="Invoice 17", attachments=("Invoice_17.pdf",),
                   body="Here it is. Should I address it to the GmbH?")
    assert decide(message, FRIEND).category == "needs_reply"  # type: ignore[union-attr]


def test_own_mail_waits_when_it_asks_and_is_fyi_when_it_closes() -> None:
    asking = mail(sender="dana@example.org", body="Can you confirm by Friday?", from_me=True)
    closing = mail(sender="dana@example.org", body="Great, see you then.", from_me=True)
    assert decide(asking, STRANGER).category == "waiting"  # type: ignore[union-attr]
    assert decide(closing, STRANGER).category == "fyi"  # type: ignore[union-attr]


def test_replies_in_the_person_s_threads() -> None:
    replied = Context(me=ME, replied_in_thread=True)
    asked, thanked = decide(mail(body="Which date: 3 or 10 June?"), replied), decide(
        mail(body="Thanks, got it!"), replied)
    assert asked and asked.category == "needs_reply"
    assert thanked and thanked.category == "fyi"
    assert decide(mail(body="Slides attached."), replied) is None


def test_the_sender_rule_comes_first() -> None:
    ruled = Context(me=ME, sender_rules={"@b.example": "newsletter"})
    verdict = decide(mail(body="Can you reply?"), ruled)
    assert verdict and (verdict.category, verdict.source) == ("newsletter", "sender_rule")


def test_what_no_sure_rule_decides_is_guessed() -> None:
    pitch = mail(body="I came across your agency. Would you be open to a 15 minute call?")
    assert decide(pitch, STRANGER) is None
    assert guess(pitch, STRANGER).category == "cold_outreach"
    assert guess(mail(body="Could you send the photos?"), STRANGER).category == "needs_reply"
    copied = mail(to=("team@x.example",), cc=("dana@example.org",), body="Anyone free?")
    assert guess(copied, STRANGER).category == "fyi"


def test_quoted_text_and_form_letter_questions_ask_nothing() -> None:
    body = "Done, refunded.\nIs there anything else I can help you with?\n\n> Can you refund?"
    assert own_text(body).startswith("Done") and "Can you refund" not in own_text(body)
    assert not asks(own_text(body))
    assert asks("下周三你方便吗？") and asks("¿Puedes venir?") and asks("Kannst du das machen")


def test_summary_without_a_model() -> None:
    assert summary_of(mail(subject="  Venue   for Friday ")) == "Venue for Friday"
    assert summary_of(mail(subject="", body="> quoted\n")) == "(no subject)"
    assert len(summary_of(mail(subject="x" * 300))) == 120


def test_the_labelled_set_is_large_varied_and_the_sure_rules_are_precise() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from benchmarks.mail_triage import load

    samples = load()
    assert len(samples) >= 200
    assert set(Counter(e["expected"] for e, _, _ in samples)) == set(CATEGORIES)
    assert sum(1 for e, _, _ in samples if e.get("hard")) >= 40
    sure = [(e["expected"], decide(m, c)) for e, m, c in samples]
    decided = [(want, v.category) for want, v in sure if v]
    assert len(decided) >= len(samples) // 2
    assert sum(want == got for want, got in decided) / len(decided) >= 0.95
