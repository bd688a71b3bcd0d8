"""Recipients, subject and body of an email to send; Gmail-style query of a search."""

from __future__ import annotations

import re

from core.nlu.lazy import lazy
from core.nlu.lexicon import Text

ADDRESS = lazy(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_VERB = lazy(
    r"^(?:(?:e-?mail|mail|message|write\s+to|reply\s+to|respond\s+to)\s+|(?:send|write|shoot|"
    r"draft|compose|drop|fire\s+off)\s+(?:an?\s+)?(?:quick\s+|short\s+|brief\s+)?(?:e-?mail|mail|note|"
    r"message|msg|line|reply)?\s*(?:to\s+)?)")
_SHOOT = lazy(r"^(?:shoot|drop|send|write)\s+(\w+)\s+an?\s+(?:quick\s+|short\s+)?"
                    r"(?:e-?mail|note|line|message)\s*")
_BODY = lazy(r"\b(?:that|saying|to\s+say|telling\s+(?:them|him|her)|body\s*:?)\s+|:\s*")
_SUBJECT = lazy(r"\b(?:with\s+(?:the\s+)?)?subject(?:\s+line)?\s*[:\-]?\s*|\bre\s*:\s*"
                      r"|\babout\s+|\bregarding\s+")
_NAME_STOP = lazy(r"\s*(?:\b(?:that|saying|to\s+say|about|re|regarding|with|subject|"
                        r"body|asking|telling|and\s+(?:say|tell|ask|let))\b|[:;,.!?]|$)")


def send_slots(text: Text, mask: str, start: int) -> dict[str, object]:
    """to / subject / body for an email.send sentence; `start` skips a bot prefix."""
    slots: dict[str, object] = {}
    rest = mask[start:]
    verb = _SHOOT.match(rest) or _VERB.match(rest)
    after = start + (verb.end() if verb else 0)
    body_at = _find_body(mask, after)
    recipients = _recipients(text, mask, after, body_at[0] if body_at else len(mask), verb)
    if recipients:
        slots["to"] = recipients
    subject = _subject(text, mask, after, body_at)
    if subject:
        slots["subject"] = subject
    if body_at:
        body = _clean(text.raw_slice(body_at[1], len(mask)))
        if body:
            slots["body"] = body
    return slots


def _find_body(mask: str, after: int) -> tuple[int, int] | None:
    for m in _BODY.finditer(mask, after):
        before = mask[max(0, m.start() - 8):m.start()]
        if m[0].startswith(":") and re.search(r"(?:subject|re|line)\s*$", before):
            continue  # the colon of "subject:" or "re:" opens a subject, not a body
        return m.start(), m.end()
    return None


def _recipients(text: Text, mask: str, after: int, stop: int,
                verb: re.Match[str] | None) -> list[str]:
    addresses = [a for a in ADDRESS.findall(text.raw)]
    if addresses:
        return addresses
    if verb is not None and verb.re is _SHOOT.rx:
        return [text.raw_slice(verb.start(1) + after - verb.end(), verb.end(1) + after
                               - verb.end())]
    end = _NAME_STOP.search(mask, after)
    limit = min(stop, end.start() if end else stop)
    names = re.split(r"\s*(?:,|\band\b|&)\s*", mask[after:limit].strip())
    out: list[str] = []
    pos = after
    for name in names:
        if not name:
            continue
        at = mask.index(name, pos)
        pos = at + len(name)
        out.append(text.raw_slice(at, pos))
    # "reply to Tom's email": the person, not their message
    out = [re.sub(r"['’]s\s+(?:e-?mail|message|note|mail)$", "", n) for n in out]
    return [n for n in out if n and len(n.split()) <= 4]


def _subject(text: Text, mask: str, after: int, body: tuple[int, int] | None) -> str | None:
    m = _SUBJECT.search(mask, after)
    if m is None or (body and body[0] < m.start() and not m[0].startswith(("subject", "with"))):
        return None
    end = body[0] if body and body[0] > m.end() else len(mask)
    return _clean(text.raw_slice(m.end(), end)) or None


def _clean(value: str) -> str:
    return value.strip().strip("\"'“”‘’").strip(" ,;:.!?").strip()


_FROM = lazy(r"\bfrom\s+(?:(?:the|my|our)\s+)?"
                   r"(?!(?:last|this|yesterday|today|the\s+last|past|next)\b)"
                   r"([\w.+-]+@[\w.-]+|[\w-]+(?:\.[\w-]+)+|[\w'-]+)")
# "has jane emailed me": the sender is the subject of the verb.
_SENDER = lazy(r"\b(?:has|did|have)\s+(?!(?:anyone|anybody|someone|somebody|no\s*one|nobody)\b)"
               r"([\w'-]+)\s+(?:e-?mail(?:ed)?|written|wr[io]te|replied|"
               r"messaged|sent)\b")
_FLAGS = (
    (lazy(r"\bunread\b|\bhaven't\s+read\b|\bnot\s+read\b"), "is:unread"),
    (lazy(r"\bstarred\b"), "is:starred"),
    (lazy(r"\bimportant\b"), "is:important"),
    (lazy(r"\b(?:with|has|have|having|that\s+have|containing)\s+(?:an?\s+|any\s+)?"
                r"attachments?\b|\battachments?\b"), "has:attachment"),
)
_NOISE = {
    "find", "search", "show", "me", "my", "all", "any", "the", "a", "an", "emails", "email",
    "mail", "mails", "messages", "message", "inbox", "for", "about", "with", "in", "i", "got",
    "get", "did", "check", "if", "anything", "something", "look", "looking", "up", "please",
    "is", "are", "there", "have", "has", "that", "which", "pull", "open", "fetch", "list",
    "recent", "latest", "last", "newest", "anyone", "anybody", "someone", "somebody", "of",
    "on", "to", "received", "receive", "gotten", "threads",
    "thread", "where", "where's", "wheres", "what", "whats", "what's", "some", "new", "can",
    "you", "those",
    "these", "them", "it", "from", "sent", "by", "read", "and", "or", "e-mails",
    "e-mail", "old", "do", "we", "be", "was", "were", "emailed", "s", "how", "many", "hey",
}


def search_query(text: Text, mask: str, start: int, dead: list[tuple[int, int]]) -> str:
    """A Gmail-style query: from:<sender>, flags, then the remaining keywords."""
    parts: list[str] = []
    blank = list(mask)
    for a, b in dead:
        blank[a:b] = " " * (b - a)
    for sender in (_FROM, _SENDER):
        for m in sender.finditer(mask, start):
            parts.append("from:" + text.raw_slice(m.start(1), m.end(1)).lower())
            blank[m.start():m.end()] = " " * (m.end() - m.start())
    for pattern, flag in _FLAGS:
        for m in pattern.finditer(mask, start):
            if flag not in parts:
                parts.append(flag)
            blank[m.start():m.end()] = " " * (m.end() - m.start())
    rest = "".join(blank)[start:]
    for m in re.finditer(r"[\w@.'-]+", rest):
        word = m[0].strip(".'-")
        if word and word not in _NOISE:
            parts.append(word)
    return " ".join(parts)
