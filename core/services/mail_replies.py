"""How a reply is addressed and laid out: who gets it, its subject, its thread headers, and
the original quoted below it. Pure functions over the stored message; no I/O."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import formataddr, getaddresses

from core.errors import Invalid
from core.models import MailMessage
from core.timeutil import format_when

RE_PREFIX = re.compile(r"^\s*(?:re|aw|sv)\s*(?:\[\d+\])?\s*:\s*", re.IGNORECASE)
MAX_REFERENCES = 20  # a long thread keeps its root and the latest ids (RFC 5322 3.6.4)
ADDRESS = re.compile(r"^[^@\s<>(),;:\"]+@[^@\s<>(),;:\"]+\.[^@\s<>(),;:\"]+$")


@dataclass(frozen=True)
class ReplyHeaders:
    to: tuple[str, ...]
    cc: tuple[str, ...]
    subject: str
    in_reply_to: str | None
    references: tuple[str, ...]


def addresses(values: Iterable[str]) -> list[tuple[str, str]]:
    """(name, address) pairs of header values ("Ann <a@x>, b@y"); the address lower-cased."""
    return [(name, email.lower()) for name, email in getaddresses(list(values)) if email]


def checked(values: Iterable[str]) -> tuple[str, ...]:
    """Recipients as given by a person, each one a valid address, or one clear error."""
    found: list[str] = []
    for value in values:
        pairs = getaddresses([value])
        if not pairs or not all(ADDRESS.match(email) for _, email in pairs):
            raise Invalid(f"{value!r} is not an email address; write it as name@example.com.")
        found += [formataddr((name, email)) for name, email in pairs]
    if not found:
        raise Invalid("Say who receives it: at least one address, e.g. --to ann@example.com.")
    return tuple(found)


def reply_subject(subject: str) -> str:
    """'Re: ' exactly once, however many the original carried (Re:, RE:, Aw:, Re[2]:)."""
    rest = subject
    while RE_PREFIX.match(rest):
        rest = RE_PREFIX.sub("", rest, count=1)
    return f"Re: {rest.strip()}" if rest.strip() else "Re:"


def reply_headers(original: MailMessage, own: str | None, reply_all: bool) -> ReplyHeaders:
    """To the Reply-To address (else the sender); with `reply_all` the other recipients in
    Cc, never the account itself. A reply to one's own message goes to its recipients."""
    mine = {own.lower()} if own else set()
    if original.from_me:
        primary = addresses(original.to) or addresses([original.sender_email])
    else:
        primary = addresses([original.reply_to or ""]) or [
            (original.sender_name, original.sender_email.lower())]
    to = _unique(primary, set() if original.from_me else mine)
    cc: list[tuple[str, str]] = []
    if reply_all:
        others = addresses([*original.to, *original.cc])
        cc = _unique(others, mine | {email for _, email in to})
    return ReplyHeaders(
        to=tuple(formataddr(p) for p in to),
        cc=tuple(formataddr(p) for p in cc),
        subject=reply_subject(original.subject),
        in_reply_to=original.message_id,
        references=thread_references(original),
    )


def thread_references(original: MailMessage) -> tuple[str, ...]:
    """The original's References plus its own Message-ID; the root kept when capped."""
    chain = [r for r in original.references if r]
    if original.message_id and original.message_id not in chain:
        chain.append(original.message_id)
    if len(chain) > MAX_REFERENCES:
        chain = [chain[0], *chain[-(MAX_REFERENCES - 1):]]
    return tuple(chain)


def participants(original: MailMessage) -> set[str]:
    """Every address on the message: the people a reply in its thread may go to."""
    values = [original.sender_email, original.reply_to or "", *original.to, *original.cc]
    return {email for _, email in addresses(values)}


def quoted(original: MailMessage, tz: str) -> str:
    """'On <weekday date time zone>, <name> wrote:' and the original's lines after '> '."""
    name = original.sender_name or original.sender_email or "someone"
    when = format_when(original.sent_at, tz) if original.sent_at else "an earlier date"
    text = original.body_text if original.body_text is not None else original.snippet
    lines = (text or "").rstrip().splitlines() or [""]
    body = "\n".join(f"> {line}" if line else ">" for line in lines)
    return f"On {when}, {name} wrote:\n{body}"


def with_quote(reply: str, original: MailMessage, tz: str) -> str:
    return f"{reply.rstrip()}\n\n{quoted(original, tz)}\n"


def _unique(pairs: list[tuple[str, str]], leave_out: set[str]) -> list[tuple[str, str]]:
    seen = set(leave_out)
    out: list[tuple[str, str]] = []
    for name, email in pairs:
        if email not in seen:
            seen.add(email)
            out.append((name, email))
    return out
