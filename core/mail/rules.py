"""Triage rules that need no model: pure functions over one message and what is known around it.

`decide` answers only when a rule is sure (headers that bulk and automated mail carry, the
person's own corrections, their own last word in a thread, a direct question from someone
they correspond with); `guess` is the best answer from weaker signals, used offline and
when the model does not answer. Both say why, in words for `aurelius mail triage`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

RULE, SENDER_RULE = "rule", "sender_rule"


@dataclass(frozen=True)
class Mail:
    """What the rules read of a message. `headers` have lower-case names."""

    sender_name: str
    sender_email: str
    subject: str
    body: str
    to: tuple[str, ...] = ()
    cc: tuple[str, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    from_me: bool = False
    attachments: tuple[str, ...] = ()
    list_unsubscribe: str | None = None


@dataclass(frozen=True)
class Context:
    """What surrounds the message: the person's addresses, whether they wrote earlier in the
    thread, whether they ever wrote to this sender, and their sender rules."""

    me: frozenset[str] = frozenset()
    replied_in_thread: bool = False
    known_sender: bool = False
    with_contacts: bool = False  # someone else on the message is a person they write to
    sender_rules: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Verdict:
    category: str
    reason: str
    source: str = RULE


def _words(*phrases: str) -> re.Pattern[str]:
    return re.compile("|".join(phrases), re.IGNORECASE)


NO_REPLY = re.compile(
    r"^(no-?reply|do-?not-?reply|donotreply|mailer-daemon|postmaster|bounces?|auto-?confirm)"
    r"([+._-].*)?$|noreply", re.IGNORECASE)
TOOL_SENDER = re.compile(
    r"^(notifications?|notify|alerts?|updates|security|system|automated|builds?|ci|jira|"
    r"tracking|shipment-tracking|shipping|versand\w*|renewals?|reminders?|"
    r"calendar-notification|comments-noreply|drive-shares-dm-noreply|monitoring)([+._-].*)?$",
    re.IGNORECASE)
TOOL_HEADERS = ("x-github-reason", "x-jira-fingerprint", "x-linear-team", "x-gitlab-project",
                "x-asana-workspace", "x-pagerduty-incident", "x-sentry-project")
VIA_TOOL = re.compile(r"\((via )?(google docs|google drive|google sheets|figma|notion|slack|"
                      r"dropbox|trello|asana|confluence|jira|linear|miro)\)|\bvia "
                      r"(google docs|figma|notion|slack|dropbox|trello|asana|docusign|miro)\b",
                      re.IGNORECASE)
RECEIPT = _words(
    r"\breceipt\b", r"\binvoice\b", r"order confirm", r"your order\b", r"\border #?\s?[\w-]*\d",
    r"payment (received|confirm|successful)", r"your payment", r"booking confirm",
    r"\be-?ticket\b", r"\brefund(ed)?\b", r"\bbilling statement\b", r"\bpurchase\b",
    r"booking (is )?confirm", r"\bpayment (to|sent)\b", r"\bbestellung\b", r"\bzahlung an\b",
    r"\bcompra\b", r"\bacquisto\b", r"\bachat\b", r"\bkauf(beleg)?\b",
    r"\brechnung\b", r"\bquittung\b", r"ihre bestellung", r"zahlungsbest[äa]tigung",
    r"\bfacture\b", r"\breçu\b", r"votre commande", r"\bfactura\b", r"\brecibo\b",
    r"\b(su|tu) pedido\b", r"\bricevuta\b", r"\bil tuo ordine\b", r"\bfattura\b",
)
AMOUNT = _words(r"\b(total|amount paid|amount due|you paid|we'?ve charged|charged|betrag|gesamt|"
                r"importe|montant|totale|summe)\b\W{0,3}(of )?[€$£]?\s?\d")
INVOICE_FILE = re.compile(r"(invoice|receipt|rechnung|facture|factura|fattura)", re.IGNORECASE)
CALENDAR_SUBJECT = re.compile(
    r"^(updated )?(invitation|einladung|invitación|convite|invito)\s*:|^(accepted|declined|"
    r"tentative(ly accepted)?|angenommen|abgelehnt|canceled event|cancelled event)\s*:",
    re.IGNORECASE)
SHIPPING = (r"\bshipped\b|\bout for delivery\b|\bversandt\b|\bexpédié\b|\benviado\b|"
            r"\bzugestellt\b|\bunterwegs\b|\bspedito\b|\bdelivery (update|status)\b")
SHIPPED = re.compile(SHIPPING, re.IGNORECASE)
NOTIFY_WORDS = _words(
    r"\balert\b", r"security", r"sign-?in", r"\bpassword\b", r"verification code",
    r"\byour code\b", r"commented", r"mentioned you", r"assigned", r"shared .* with you",
    r"invited you", r"\breminder\b", r"build (failed|passed|succeeded)", r"\bdeploy",
    r"pull request", r"\bmerged\b", r"\bshipped\b", r"out for delivery", r"has been delivered",
    r"\bstatus\b", r"renew", r"expir", r"\bdigest of activity\b", r"\bnew login\b",
    r"\bincident\b", r"\bdowntime\b", r"\bmaintenance\b", r"\bnotifications?\b",
    r"\berinnerung\b", r"\bläuft .* ab\b", r"\bsicherheit", r"\bdelivered\b", SHIPPING,
)
QUESTION_WORDS = _words(
    r"\bcould you\b", r"\bcan you\b", r"\bwould you\b", r"\bwill you\b", r"\bplease (send|confirm|"
    r"review|let me know|check|reply|sign|approve|advise|share)", r"\blet me know\b",
    r"\bdo you (have|know|think|want|mind)\b", r"\byour thoughts\b", r"\bany chance\b",
    r"\bare you (free|around|available|ok)\b", r"\bwhat do you think\b", r"\bneed your\b",
    r"\bkannst du\b", r"\bkönnten sie\b", r"\bkönnen sie\b", r"\bbitte (um|schick|bestätig)",
    r"\bpourr(iez|ais)-(vous|tu)\b", r"\bpouvez-vous\b", r"\bmerci de (me|nous)\b",
    r"\bpodr[ií]as\b", r"\bpuedes\b", r"\bpodr[ií]a usted\b", r"\bvocê pode\b",
    r"\bpoderia\b", r"\bpotresti\b", r"\bpuoi\b",
    r"(^|[.!,;]\s*)please (?!find|see|note|ignore|disregard|do not|don't)\w+", r"\bplease\W*$",
    r"\byes or no\b", r"\byour (call|decision|sign-?off|approval|input|feedback|review)\b",
    r"\bfor your review\b", r"\bzur (durchsicht|prüfung|freigabe)\b", r"\bmeet \w+, who\b",
    r"\btake it from here\b",
)
BOILERPLATE = _words(
    r"(is there )?anything else (i|we) can (help|do) (you )?(with|for you)\?",
    r"(if you have )?any (other |further )?questions,? (just )?"
    r"(shout|let (me|us) know|reach out)\W*",
    r"let (me|us) know if you have any (other |further )?questions\W*",
)
CLOSING = _words(r"^\W*(thanks?|thank you|thx|cheers|great|perfect|sounds good|got it|ok(ay)?|"
                 r"danke|merci|gracias|obrigad[oa]|grazie)\b[^?]{0,80}$")
PITCH = _words(
    r"\b\d{2} ?(minute|min)s?\b", r"\bquick (call|chat)\b", r"\bhop on a call\b",
    r"\bcame across\b", r"\breaching out\b", r"\bbook a (time|slot|demo|call)\b", r"calendly",
    r"\bdemo\b", r"\bpartnership\b", r"\bopen to\b", r"\bopportunit", r"\brole\b",
    r"\bposition\b", r"\brecruit", r"\btalent\b", r"\bhiring\b", r"\bour (platform|solution|"
    r"clients|agency|team helps)\b", r"\bleads?\b", r"\bgrowth\b", r"\bROI\b",
    r"\bfollowing up on my (last|previous) (email|note|message)\b", r"\bbump(ing)? this\b",
    r"\bcase stud", r"\bpricing\b", r"\bfree trial\b", r"\bseo\b", r"\boutsourc",
    r"\bwe (help|provide|offer|acquire|place|book|find|support|unterstützen|accompagnons)\b",
    r"\bi noticed\b", r"\bnoticed (that )?(you|your)\b", r"\bportfolio\b", r"\bsponsor",
    r"\bdeck\b", r"\bequity\b", r"\bwhite-?label\b", r"\baudit\b", r"\bfee\b",
    r"\bminuten\b", r"\bminutos\b", r"\b\d+ mins?\b", r"\bgespräch\b", r"\bconversa\b",
    r"\bcroissance\b", r"\bconsidered for\b", r"\bshortlisted\b", r"\bmind if i\b",
)
QUOTE_START = re.compile(r"^(>|on .{4,120} wrote:$|am .{4,120} schrieb|le .{4,120} a écrit|"
                         r"el .{4,120} escribió|-{2,} ?original message|from: )", re.IGNORECASE)
URL = re.compile(r"https?://\S+")


def own_text(body: str) -> str:
    """The sender's own words: the body up to the first quoted block or forwarded header."""
    kept: list[str] = []
    for line in body.splitlines():
        if QUOTE_START.match(line.strip()):
            break
        kept.append(line)
    return URL.sub(" ", "\n".join(kept))


def asks(text: str) -> bool:
    """A question or a request in the text (a form letter's closing question is none)."""
    text = BOILERPLATE.sub(" ", text)
    return any(mark in text for mark in "?¿？") or bool(QUESTION_WORDS.search(text))


def pitches(mail: Mail) -> int:
    """How many sales or recruiting phrases the message uses."""
    text = f"{mail.subject}\n{own_text(mail.body)}"
    return len({found.group(0).lower() for found in PITCH.finditer(text)})


def decide(mail: Mail, context: Context) -> Verdict | None:
    """The sure rules, first match wins; None leaves the message to the model (or `guess`)."""
    for rule in (_sender_rule, _mine, _calendar, _receipt, _auto_reply, _bulk, _automated,
                 _answer_to_you, _direct_question):
        verdict = rule(mail, context)
        if verdict:
            return verdict
    return None


def guess(mail: Mail, context: Context) -> Verdict:
    """The best answer when no sure rule matched and no model decided."""
    text = own_text(mail.body)
    direct = _addressed_to(mail, context)
    stranger = not (context.known_sender or context.replied_in_thread or context.with_contacts)
    if stranger and pitches(mail) >= (1 if direct and len(mail.to) == 1 else 2):
        return Verdict("cold_outreach", "a pitch from someone you never wrote to")
    if stranger and NOTIFY_WORDS.search(mail.subject):
        return Verdict("notification", "reads like an automated update from a service")
    if direct and len(mail.to) <= 3 and asks(f"{mail.subject}\n{text}"):
        return Verdict("needs_reply", "addressed to you with a question or request")
    return Verdict("fyi", "nothing in it asks you for anything" if direct
                   else "you are copied, not addressed")


def summary_of(mail: Mail, limit: int = 120) -> str:
    """A one-line summary without a model: the subject, else the first words of the text."""
    line = mail.subject.strip() or " ".join(own_text(mail.body).split())
    line = " ".join(line.split()) or "(no subject)"
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _local(address: str) -> str:
    return address.partition("@")[0]


def _domain(address: str) -> str:
    return address.rpartition("@")[2].lower()


def _sender_rule(mail: Mail, context: Context) -> Verdict | None:
    address = mail.sender_email.lower()
    for key in (address, f"@{_domain(address)}"):
        category = context.sender_rules.get(key)
        if category:
            return Verdict(category, f"you filed mail from {key} as {category}", SENDER_RULE)
    return None


def _mine(mail: Mail, context: Context) -> Verdict | None:
    if not mail.from_me:
        return None
    if asks(f"{mail.subject}\n{own_text(mail.body)}"):
        return Verdict("waiting", "you wrote last in this thread and asked for an answer")
    return Verdict("fyi", "you wrote last in this thread; nothing asked")


def _calendar(mail: Mail, context: Context) -> Verdict | None:
    content = mail.headers.get("content-type", "").lower()
    invite = "text/calendar" in content or any(n.lower().endswith(".ics") for n in mail.attachments)
    if invite or CALENDAR_SUBJECT.search(mail.subject.strip()):
        return Verdict("notification", "a calendar invitation or answer (your calendar has it)")
    return None


def _receipt(mail: Mail, context: Context) -> Verdict | None:
    named = RECEIPT.search(mail.subject) or any(INVOICE_FILE.search(n) for n in mail.attachments)
    machine = _is_automated(mail) or _is_bulk(mail)
    if not named and machine and AMOUNT.search(mail.body):
        named = not NOTIFY_WORDS.search(mail.subject)
    if not named or SHIPPED.search(mail.subject):
        return None
    if not machine and asks(own_text(mail.body)):
        return None  # a person's invoice with a question: they need an answer
    return Verdict("receipt", "a receipt, invoice or order confirmation")


def _auto_reply(mail: Mail, context: Context) -> Verdict | None:
    auto = mail.headers.get("auto-submitted", "no").lower()
    if auto.startswith("auto-replied") or "x-autoreply" in mail.headers:
        return Verdict("notification", "an automatic reply (Auto-Submitted: auto-replied)")
    return None


def _bulk(mail: Mail, context: Context) -> Verdict | None:
    if not _is_bulk(mail):
        return None
    discussion = mail.headers.get("list-post", "").strip().lower() not in ("", "no")
    if discussion and not _is_automated(mail):
        return Verdict("fyi", "a message to a discussion list you are on (List-Post)")
    if _is_automated(mail) and NOTIFY_WORDS.search(mail.subject):
        return Verdict("notification", "an automated update from a service")
    if any(h in mail.headers for h in TOOL_HEADERS):
        return Verdict("notification", "an update from a tool you use")
    return Verdict("newsletter", f"bulk mail ({_bulk_mark(mail)})")


def _automated(mail: Mail, context: Context) -> Verdict | None:
    if _is_automated(mail):
        return Verdict("notification", f"sent by a machine ({_automated_mark(mail)})")
    return None


def _answer_to_you(mail: Mail, context: Context) -> Verdict | None:
    if not context.replied_in_thread:
        return None
    text = own_text(mail.body).strip()
    if asks(f"{text}"):
        return Verdict("needs_reply", "an answer in a thread you wrote in, with a question for you")
    if CLOSING.match(" ".join(text.split())):
        return Verdict("fyi", "a thank-you or acknowledgement in a thread you wrote in")
    return None


def _direct_question(mail: Mail, context: Context) -> Verdict | None:
    if not context.known_sender or not _addressed_to(mail, context):
        return None
    if len(mail.to) <= 3 and asks(f"{mail.subject}\n{own_text(mail.body)}"):
        return Verdict("needs_reply", "a direct question from someone you correspond with")
    return None


def _addressed_to(mail: Mail, context: Context) -> bool:
    """The person is in To (not only Cc); with no known addresses, any To counts."""
    wanted = {a.lower() for a in mail.to}
    return bool(wanted & context.me) if context.me else bool(wanted)


def _is_bulk(mail: Mail) -> bool:
    precedence = mail.headers.get("precedence", "").lower()
    return bool(mail.list_unsubscribe or "list-unsubscribe" in mail.headers
                or "list-id" in mail.headers or precedence in ("bulk", "list", "junk"))


def _bulk_mark(mail: Mail) -> str:
    if mail.list_unsubscribe or "list-unsubscribe" in mail.headers:
        return "List-Unsubscribe"
    return "List-Id" if "list-id" in mail.headers else "Precedence: bulk"


def _is_automated(mail: Mail) -> bool:
    return bool(_automated_mark(mail))


def _automated_mark(mail: Mail) -> str:
    local = _local(mail.sender_email)
    if NO_REPLY.search(local):
        return "a no-reply sender"
    if mail.headers.get("auto-submitted", "no").lower() not in ("", "no"):
        return "Auto-Submitted"
    if TOOL_SENDER.match(local) or any(h in mail.headers for h in TOOL_HEADERS):
        return "a tool's notification address"
    if VIA_TOOL.search(mail.sender_name):
        return "sent through a tool on someone's behalf"
    return ""
