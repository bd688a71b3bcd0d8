"""Mail as bytes and back: RFC 5322 → `RemoteMessage`, `OutgoingMail` → RFC 5322.

Mail comes from strangers, so reading never raises: a bad charset, a broken header, a
50 MB message or a MIME tree nested a thousand deep is read as far as it goes and the rest
is named in `problems`. Text is cleaned for storage (no NUL, no lone surrogates) and
one-line headers lose their line breaks, so an encoded Subject cannot smuggle a header.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser, BytesParser
from email.utils import format_datetime, make_msgid
from typing import Any

from core.errors import Invalid
from core.mail.addresses import format_address, parse_address
from core.ports import OutgoingMail, RemoteMessage

MAX_PARSE_BYTES = 4 * 1024 * 1024
"""Only this much is parsed: the text parts come first, attachments after them."""
MAX_MULTIPARTS = 100
MAX_BODY_CHARS = 100_000
MAX_PART_BYTES = 1_000_000
MAX_DEPTH = 20
MAX_PARTS = 200
SNIPPET_CHARS = 200
MAX_HEADER_CHARS = 2_000
TRIAGE_HEADERS = (
    "precedence", "auto-submitted", "list-id", "list-unsubscribe", "list-unsubscribe-post",
    "x-auto-response-suppress", "content-type", "return-path", "x-autoreply",
    "x-autorespond", "feedback-id", "x-mailer", "x-priority", "importance",
)  # fmt: skip

_IDS = re.compile(r"<[^<>\s]{1,500}>")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f]+")
_SURROGATES = re.compile("[\udc80-\udcff]")
_FOLD = re.compile(r"\r?\n(?=[ \t])")


def read_message(
    raw: bytes,
    *,
    remote_id: str,
    folder: str = "INBOX",
    labels: tuple[str, ...] = (),
    unread: bool = True,
    thread_id: str | None = None,
) -> RemoteMessage:
    """The message in `raw` as far as it parses; never raises."""
    problems: list[str] = []
    fresh = RemoteMessage(remote_id=remote_id, folder=folder, labels=labels, unread=unread,
                          thread_id=thread_id, size=len(raw))  # fmt: skip
    try:
        msg = _parse(raw, problems)
        headed = replace(fresh, **_header_fields(msg, problems))
        body, attachments = _content(msg, problems)
        _note_defects(msg, problems)
    except Exception as exc:  # the last resort: a message must never stop a sync
        problems.append(f"unreadable message ({type(exc).__name__})")
        return replace(fresh, problems=tuple(problems))
    return replace(
        headed,
        snippet=" ".join(body[: SNIPPET_CHARS * 4].split())[:SNIPPET_CHARS],
        body_text=body,
        attachments=tuple(attachments),
        problems=tuple(dict.fromkeys(problems)),
    )


def attachment_bytes(raw: bytes, name: str) -> bytes | None:
    """The decoded bytes of the first attachment called `name` in `raw`, None if absent."""
    msg = _parse(raw, [])
    for part in _leaves(msg, []):
        if _filename(part) == name:
            payload = part.get_payload(decode=True)
            return payload if isinstance(payload, bytes) else b""
    return None


def compose(
    mail: OutgoingMail,
    sender: str,
    *,
    message_id: str | None = None,
    when: datetime | None = None,
) -> bytes:
    """RFC 5322 bytes for `mail` from `sender`. Bcc recipients are not written (they go on
    the envelope only). Raises `Invalid` for a line break in a header or a bad address."""
    _refuse_line_breaks(mail, sender, message_id)
    if not (mail.to or mail.cc or mail.bcc):
        raise Invalid("a message needs at least one recipient")
    msg = EmailMessage(policy=policy.SMTP)
    msg["From"] = [_address(sender)]
    if mail.to:
        msg["To"] = [_address(a) for a in mail.to]
    if mail.cc:
        msg["Cc"] = [_address(a) for a in mail.cc]
    msg["Subject"] = mail.subject
    moment = when or datetime.now(UTC)
    msg["Date"] = format_datetime(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
    msg["Message-ID"] = message_id or make_msgid(domain=_address(sender).domain or "localhost")
    if mail.in_reply_to:
        msg["In-Reply-To"] = mail.in_reply_to
    if mail.references:
        msg["References"] = " ".join(mail.references)
    msg.set_content(mail.body_text)
    return msg.as_bytes()


# --- composing -------------------------------------------------------------------------------


def _refuse_line_breaks(mail: OutgoingMail, sender: str, message_id: str | None) -> None:
    values = [sender, mail.subject, mail.in_reply_to or "", message_id or ""]
    values += [*mail.to, *mail.cc, *mail.bcc, *mail.references]
    if any("\r" in v or "\n" in v for v in values):
        raise Invalid("a mail header cannot contain a line break: put it on one line")


def _address(text: str) -> Address:
    name, email = parse_address(text)
    if not email:
        raise Invalid(f"not a mail address: {text!r} (write name@example.com)")
    try:
        return Address(display_name=name, addr_spec=email)
    except (ValueError, IndexError) as exc:
        raise Invalid(f"not a mail address: {text!r} (write name@example.com)") from exc


# --- parsing: the message and its headers ----------------------------------------------------


def _parse(raw: bytes, problems: list[str]) -> Message:
    if len(raw) > MAX_PARSE_BYTES:
        problems.append(f"message of {len(raw) // 1_000_000} MB: only its first 4 MB were read")
        raw = raw[:MAX_PARSE_BYTES]
    if raw.lower().count(b"multipart/") > MAX_MULTIPARTS:  # the parser is slow on these
        problems.append(f"more than {MAX_MULTIPARTS} MIME containers: only the headers were read")
        return BytesHeaderParser(policy=policy.default).parsebytes(raw)
    try:
        return BytesParser(policy=policy.default).parsebytes(raw)
    except RecursionError:
        problems.append("MIME tree too deep: only the headers were read")
        return BytesHeaderParser(policy=policy.default).parsebytes(raw)


def _header_fields(msg: Message, problems: list[str]) -> dict[str, Any]:
    references = _IDS.findall(_header(msg, "references", problems))[-50:]
    message_id = _IDS.findall(_header(msg, "message-id", problems))
    in_reply_to = _IDS.findall(_header(msg, "in-reply-to", problems))
    senders = _addresses(msg, "from", problems)
    reply_to = _addresses(msg, "reply-to", problems)
    if not senders:
        problems.append("no From address")
    unsubscribe = _one_line(_header(msg, "list-unsubscribe", problems), "List-Unsubscribe", [])
    return {
        "message_id": message_id[0] if message_id else None,
        "in_reply_to": in_reply_to[0] if in_reply_to else None,
        "references": tuple(references),
        "sender": senders[0] if senders else "",
        "to": tuple(_addresses(msg, "to", problems)),
        "cc": tuple(_addresses(msg, "cc", problems)),
        "reply_to": reply_to[0] if reply_to else None,
        "subject": _one_line(_header(msg, "subject", problems), "Subject", problems),
        "sent_at": _date(msg, problems),
        "list_unsubscribe": unsubscribe or None,
        "headers": _triage_headers(msg, problems),
    }


def _header(msg: Message, name: str, problems: list[str]) -> str:
    """The decoded value of header `name` ("" when missing), however broken it is."""
    raw = _raw(msg, name)
    if raw is None:
        return ""
    if not _SURROGATES.search(raw):  # the parser reads 8-bit bytes as U+FFFD: decode them here
        try:
            return _clean(str(msg.get(name, "")))
        except Exception:
            problems.append(f"unreadable {name} header")
    try:
        return _clean(str(make_header(decode_header(raw))))
    except Exception:
        return _clean(raw)


def _raw(msg: Message, name: str) -> str | None:
    value = next((v for k, v in msg.raw_items() if k.lower() == name), None)
    return None if value is None else _FOLD.sub("", value)


def _addresses(msg: Message, name: str, problems: list[str]) -> list[str]:
    try:
        if _SURROGATES.search(_raw(msg, name) or ""):
            raise ValueError("8-bit header")
        header: Any = msg.get(name)
        found = [] if header is None else list(header.addresses)
        pairs = [(a.display_name, a.addr_spec) for a in found if "@" in a.addr_spec]
    except Exception:
        text = _header(msg, name, problems)
        pairs = [parse_address(part) for part in text.split(",")]
    return [format_address(_flat(n), _flat(e).lower()) for n, e in pairs if e][:100]


def _date(msg: Message, problems: list[str]) -> datetime | None:
    try:
        header: Any = msg.get("date")
        moment = None if header is None else header.datetime
    except Exception:
        moment = None
    if moment is None:
        problems.append("no readable Date header")
        return None
    assert isinstance(moment, datetime)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _triage_headers(msg: Message, problems: list[str]) -> dict[str, str]:
    found = {}
    for name in TRIAGE_HEADERS:
        value = _one_line(_header(msg, name, problems), name, [])
        if value:
            found[name] = value[:MAX_HEADER_CHARS]
    return found


def _one_line(text: str, name: str, problems: list[str]) -> str:
    if "\r" in text or "\n" in text:
        problems.append(f"line break in the {name} header (removed)")
    return _flat(text)[:MAX_HEADER_CHARS]


def _flat(text: str) -> str:
    return " ".join(_CONTROLS.sub(" ", text).split())


def _clean(text: str) -> str:
    """Storable text: 8-bit bytes the parser kept as surrogates read as UTF-8 (else as
    Windows-1252), no NUL."""
    if _SURROGATES.search(text):
        raw = text.encode("utf-8", "surrogateescape")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("windows-1252", "replace")
    return text.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


def _note_defects(msg: Message, problems: list[str]) -> None:
    names = {type(d).__name__ for part in _leaves(msg, []) for d in part.defects}
    names |= {type(d).__name__ for d in msg.defects}
    problems.extend(f"MIME defect: {n}" for n in sorted(names))


# --- parsing: the body and the attachments ---------------------------------------------------


def _content(msg: Message, problems: list[str]) -> tuple[str, list[str]]:
    leaves = list(_leaves(msg, problems))
    plain = next((p for p in leaves if _is_body(p, "plain")), None)
    html = next((p for p in leaves if _is_body(p, "html")), None) if plain is None else None
    body = ""
    if plain is not None:
        body = _text(plain, problems).replace("\r\n", "\n").strip()
    elif html is not None:
        body = html_to_text(_text(html, problems)[:MAX_PART_BYTES], problems)
    if len(body) > MAX_BODY_CHARS:
        problems.append(f"body cut at {MAX_BODY_CHARS} characters")
        body = body[:MAX_BODY_CHARS]
    names = [n for p in leaves if p is not plain and p is not html and (n := _attachment_name(p))]
    return body, names


def _leaves(msg: Message, problems: list[str]) -> Iterator[Message]:
    """The non-multipart parts, depth first, without recursion; bounded in depth and count."""
    stack: list[tuple[Message, int]] = [(msg, 0)]
    count = 0
    while stack and count < MAX_PARTS:
        part, depth = stack.pop()
        children = part.get_payload()
        if not part.is_multipart() or not isinstance(children, list):
            count += 1
            yield part
        elif depth >= MAX_DEPTH:
            problems.append(f"MIME tree deeper than {MAX_DEPTH}: the rest was skipped")
        else:
            stack.extend((c, depth + 1) for c in reversed(children) if isinstance(c, Message))
    if stack:
        problems.append(f"more than {MAX_PARTS} MIME parts: the rest was skipped")


def _is_body(part: Message, subtype: str) -> bool:
    return (
        part.get_content_maintype() == "text"
        and part.get_content_subtype() == subtype
        and _disposition(part) != "attachment"
    )


def _disposition(part: Message) -> str:
    try:
        return (part.get_content_disposition() or "").lower()
    except Exception:
        return ""


def _filename(part: Message) -> str:
    try:
        return _flat(_clean(part.get_filename() or ""))[:200]
    except Exception:
        return ""


def _attachment_name(part: Message) -> str:
    name = _filename(part)
    if name or _disposition(part) != "attachment":
        return name
    return f"unnamed.{part.get_content_subtype()}"


def _text(part: Message, problems: list[str]) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    if len(payload) > MAX_PART_BYTES:
        problems.append(f"body part cut at {MAX_PART_BYTES // 1000} kB")
        payload = payload[:MAX_PART_BYTES]
    declared = _charset(part)
    for charset in dict.fromkeys((declared, "utf-8", "windows-1252")):
        try:
            text = payload.decode(charset)
        except (LookupError, UnicodeDecodeError):
            continue
        if charset != declared:
            problems.append(f"body not in its declared charset {declared!r}: read as {charset}")
        return _clean(text)
    return _clean(payload.decode("utf-8", "replace"))  # windows-1252 leaves five bytes out


def _charset(part: Message) -> str:
    try:
        return _flat(part.get_content_charset() or "us-ascii")[:40] or "us-ascii"
    except Exception:
        return "us-ascii"


# --- HTML ------------------------------------------------------------------------------------

_BREAK = "\u2029"  # a structural line break, told apart from the source's own whitespace
_BLOCKS = (
    "p", "div", "li", "tr", "table", "blockquote", "ul", "ol", "hr", "pre", "section",
    "article", "header", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "dt", "dd",
)  # fmt: skip
_INVISIBLE = ("script", "style", "head", "title", "noscript", "template")
_TAGS = re.compile(r"<[^>]*>")


def html_to_text(html: str, problems: list[str] | None = None) -> str:
    """What a reader sees of `html`: text in lines, no markup, scripts or styles."""
    try:
        return _rendered(html)
    except Exception:
        if problems is not None:
            problems.append("HTML body could not be rendered: markup stripped instead")
        return "\n".join(" ".join(line.split()) for line in _TAGS.sub(" ", html).splitlines())


def _rendered(html: str) -> str:
    from bs4 import BeautifulSoup  # lazily: only messages without a plain part need it

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_INVISIBLE):
        tag.decompose()
    for tag in soup.find_all("br"):
        tag.replace_with(_BREAK)
    for tag in soup.find_all(_BLOCKS):
        tag.insert_before(_BREAK)
        tag.insert_after(_BREAK)
    lines = (" ".join(chunk.split()) for chunk in soup.get_text().split(_BREAK))
    return "\n".join(line for line in lines if line)
