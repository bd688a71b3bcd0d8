"""`aurelius mail triage` and the brief's mail sections through the CLI, on both databases:
offline the rules file everything and say so; corrections teach a sender rule."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import Run, as_json
from tests.mail_seed import ME, mailbox

NEWSLETTER = {"list-unsubscribe": "<https://news.example.com/u>", "list-id": "<weekly.example>"}


def test_the_inbox_is_grouped_by_what_it_needs(run: Run, database_url: str) -> None:
    with mailbox(database_url) as box:
        box.add("Anna Berg <anna@berg.example>", "Venue for Friday",
                "Hi Dana, could you confirm the loft for Friday?", thread="venue")
        box.add("Dana <dana@example.org>", "Venue for Friday", "Booked, thanks",
                thread="old", from_me=True, to=["anna@berg.example"], ago=timedelta(days=9))
        box.add("Weekly <news@news.example.com>", "Issue 12", "This week...", headers=NEWSLETTER)
        box.add("Stripe <receipts@stripe.com>", "Your receipt from Linear", "Amount paid: $96")
        box.add("GitHub <notifications@github.com>", "[repo] PR #4 merged", "Merged.")
        box.add("Dana <dana@example.org>", "Proposal v2", "Can you let me know by Friday?",
                thread="proposal", from_me=True, to=["priya@northwind.example"])
        box.triage()
    out = run("mail", "triage").stdout
    for heading in ("Needs reply (1)", "Waiting on others (1)", "Newsletters (1)",
                    "Receipts (1)", "Notifications (1)"):
        assert heading in out
    assert "Anna Berg — Venue for Friday" in out and "priya@northwind.example" in out
    groups = as_json(run("mail", "triage", "--json"))
    assert isinstance(groups, dict)
    assert [m["subject"] for m in groups["needs_reply"]] == ["Venue for Friday"]
    assert groups["needs_reply"][0]["category_source"] == "rule"
    assert groups["fyi"] == []  # the person's own "Booked, thanks" waits on nobody


def test_offline_the_rules_decide_and_say_so(run: Run, database_url: str) -> None:
    with mailbox(database_url) as box:
        first = box.add("Kim Lee <kim@unknown.example>", "Hello", "Are you free on Tuesday?")
        box.triage()
        stored = box.row(first)
    assert stored.category == "needs_reply" and stored.category_source == "rule"
    assert "offline: rules alone decided" in (stored.category_reason or "")
    assert stored.summary == "Hello"
    shown = as_json(run("mail", "triage", "--json"))["needs_reply"][0]  # type: ignore[index]
    assert "offline" in shown["category_reason"]


def test_a_reply_takes_the_thread_out_of_needs_reply(run: Run, database_url: str) -> None:
    with mailbox(database_url) as box:
        box.add("Tom <tom@lumen.example>", "Q3 plan", "Are you OK with both reqs?",
                thread="q3", ago=timedelta(hours=3))
        box.triage()
        assert "Q3 plan" in run("mail", "triage").stdout.split("Waiting")[0]
        box.add("Dana <dana@example.org>", "Re: Q3 plan", "Yes. Can you send the budget?",
                thread="q3", from_me=True, to=["tom@lumen.example"], ago=timedelta(hours=1))
        box.triage()
    groups = as_json(run("mail", "triage", "--json"))
    assert groups["needs_reply"] == []  # type: ignore[index]
    assert [m["subject"] for m in groups["waiting"]] == ["Re: Q3 plan"]  # type: ignore[index]


def test_a_correction_becomes_a_sender_rule(run: Run, database_url: str) -> None:
    with mailbox(database_url) as box:
        first = box.add("Lena <lena@letters.example>", "Thoughts on critique", "Some thoughts.")
        earlier = box.add("Lena <lena@letters.example>", "More thoughts", "Even more.")
        box.triage()
        said = run("mail", "triage", str(first), "newsletter").stdout
        assert "Learned: mail from lena@letters.example is newsletter from now on" in said
        assert "1 earlier message(s) from them moved too" in said
        later = box.add("Lena <lena@letters.example>", "Quick question?", "Can you reply?")
        box.triage(later)
        assert box.row(earlier).category_source == "sender_rule"
        stored = box.row(later)
    assert (stored.category, stored.category_source) == ("newsletter", "sender_rule")
    assert stored.category_reason == "you filed mail from lena@letters.example as newsletter"
    corrected = as_json(run("mail", "triage", "--json"))["newsletter"]  # type: ignore[index]
    assert {m["category_source"] for m in corrected} == {"user", "sender_rule"}


def test_own_mail_and_waiting_teach_no_sender_rule(run: Run, database_url: str) -> None:
    with mailbox(database_url) as box:
        mine = box.add("Dana <dana@example.org>", "Hi", "Hello", from_me=True, to=["a@b.example"])
        theirs = box.add("Ann <ann@b.example>", "Hi", "Hello")
        box.triage()
    assert "Your own mail teaches no sender rule." in run(
        "mail", "triage", str(mine), "fyi").stdout
    assert "nothing learned" in run("mail", "triage", str(theirs), "waiting").stdout


def test_bad_corrections_get_one_clear_line(run: Run, database_url: str) -> None:
    with mailbox(database_url) as box:
        message = box.add("Ann <ann@b.example>", "Hi", "Hello")
    wrong = run("mail", "triage", str(message), "spam", ok=False)
    assert wrong.exit_code == 1
    assert "Unknown category 'spam'; use one of: needs_reply" in wrong.output
    missing = run("mail", "triage", "999", "fyi", ok=False)
    assert "No message #999" in missing.output and "Traceback" not in missing.output
    alone = run("mail", "triage", str(message), ok=False)
    assert f"aurelius mail triage {message} newsletter" in alone.output


def test_the_brief_shows_mail_that_needs_you(run: Run, database_url: str) -> None:
    with mailbox(database_url) as box:
        for n in range(6):
            box.add(f"Person {n} <p{n}@team.example>", f"Question {n}", "Can you check this?",
                    ago=timedelta(hours=n + 1))
        box.add("Dana <dana@example.org>", "Contract", "When can you sign?", from_me=True,
                to=["Lukas Brenner <lukas@fjord.example>"], ago=timedelta(days=1))
        box.triage()
    out = run("brief").stdout
    assert "Mail that needs you (6):" in out
    section = out.split("Mail that needs you (6):")[1].split("Waiting on others")[0]
    assert section.count("Question") == 5 and "Person 0 — Question 0" in section
    assert "Waiting on others (1):" in out
    assert "Lukas Brenner, since Mon 9 Mar — Contract" in out


def test_no_mail_sections_without_a_mail_account(run: Run, database_url: str) -> None:
    with mailbox(database_url, linked=False):
        pass
    out = run("brief").stdout
    assert "Agenda:" in out and "Mail that needs you" not in out
    assert "No triaged mail yet" in run("mail", "triage").stdout


def test_the_person_is_addressed_by_their_account(run: Run, database_url: str) -> None:
    with mailbox(database_url) as box:
        copied = box.add("Tom <tom@lumen.example>", "Offsite", "Anyone have a projector?",
                         to=["team@lumen.example"], cc=[ME])
        box.triage()
        assert box.row(copied).category == "fyi"
