"""core.mail.mime: reading any message without raising, and composing safe RFC 5322 bytes."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone
from email import message_from_bytes, policy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.errors import Invalid
from core.mail.addresses import format_address, parse_address
from core.mail.mime import attachment_bytes, compose, html_to_text, read_message
from core.ports import OutgoingMail

CRLF = "\r\n"


def mail(headers: dict[str, str], body: str = "Hello.", ctype: str = "text/plain") -> bytes:
    lines = [f"{k}: {v}" for k, v in headers.items()] + [f"Content-Type: {ctype}", "", body]
    return CRLF.join(lines).encode("utf-8")


def multipart(subtype: str, parts: list[str], headers: str = "From: a@example.org") -> bytes:
    text = f"{headers}\r\nContent-Type: multipart/{subtype}; boundary=XX\r\n\r\n"
    for part in parts:
        text += f"--XX\r\n{part}\r\n"
    return (text + "--XX--\r\n").encode("utf-8")


PLAIN = mail(
    {
        "From": "=?utf-8?q?J=C3=B6rg_M=C3=BCller?= <Joerg@Example.DE>",
        "To": 'anna@example.org, "Doe, John" <john@example.org>',
        "Cc": "team@example.org",
        "Reply-To": "replies@example.de",
        "Subject": "=?utf-8?q?R=C3=A9union_lundi?=",
        "Date": "Tue, 01 Dec 2026 10:00:00 +0100",
        "Message-ID": "<m2@example.de>",
        "In-Reply-To": "<m1@example.org>",
        "References": "<m0@example.org>\r\n <m1@example.org>",
        "List-Unsubscribe": "<mailto:unsub@example.de>",
        "Precedence": "bulk",
        "X-Unrelated": "dropped",
    },
    "Dear Anna,\r\n\r\nsee you   on Monday.\r\n",
)


def test_a_plain_message_is_read_field_by_field() -> None:
    m = read_message(PLAIN, remote_id="INBOX/7/3", labels=("\\Flagged",), unread=False)
    assert (m.remote_id, m.folder, m.labels, m.unread) == (
        "INBOX/7/3",
        "INBOX",
        ("\\Flagged",),
        False,
    )
    assert m.sender == "Jörg Müller <joerg@example.de>"
    assert m.to == ("anna@example.org", '"Doe, John" <john@example.org>')
    assert (m.cc, m.reply_to) == (("team@example.org",), "replies@example.de")
    assert m.subject == "Réunion lundi"
    assert m.sent_at == datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert (m.message_id, m.in_reply_to) == ("<m2@example.de>", "<m1@example.org>")
    assert m.references == ("<m0@example.org>", "<m1@example.org>")
    assert m.list_unsubscribe == "<mailto:unsub@example.de>"
    assert m.headers["precedence"] == "bulk" and "x-unrelated" not in m.headers
    assert m.body_text.startswith("Dear Anna,") and m.snippet == "Dear Anna, see you on Monday."
    assert m.size == len(PLAIN) and m.problems == () and m.attachments == ()


def test_the_plain_part_wins_over_html_and_attachments_are_listed_not_kept() -> None:
    pdf = base64.b64encode(b"%PDF-1.4 invoice").decode()
    raw = multipart(
        "mixed",
        [
            "Content-Type: multipart/alternative; boundary=YY\r\n\r\n--YY\r\n"
            "Content-Type: text/plain\r\n\r\nplain words\r\n--YY\r\n"
            "Content-Type: text/html\r\n\r\n<p>html words</p>\r\n--YY--",
            "Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
            "Content-Disposition: attachment; "
            f"filename*=utf-8''Rechnung%20M%C3%A4rz.pdf\r\n\r\n{pdf}",
            "Content-Type: text/plain\r\nContent-Disposition: attachment\r\n\r\nnotes",
        ],
    )
    m = read_message(raw, remote_id="r")
    assert m.body_text == "plain words"
    assert m.attachments == ("Rechnung März.pdf", "unnamed.plain")
    assert attachment_bytes(raw, "Rechnung März.pdf") == b"%PDF-1.4 invoice"
    assert attachment_bytes(raw, "absent.pdf") is None


def test_html_only_mail_is_rendered_to_text_without_scripts_or_styles() -> None:
    html = (
        "<html><head><title>T</title><style>p {color: red}</style></head><body>"
        "<h1>Invoice</h1><p>Total: <b>42 EUR</b></p><div>line one<br>line two</div>"
        "<script>alert('x')</script><ul><li>a</li><li>b</li></ul></body></html>"
    )
    m = read_message(
        mail({"From": "shop@example.com"}, html, "text/html; charset=utf-8"), remote_id="r"
    )
    assert m.body_text == "Invoice\nTotal: 42 EUR\nline one\nline two\na\nb"
    assert "alert" not in m.body_text and "color" not in m.body_text
    assert html_to_text("<p>caf&eacute; &amp; tea</p>") == "café & tea"


def nested(depth: int) -> bytes:
    text = "From: a@example.org\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n"
    for i in range(depth):
        text += f"--b{i}\r\nContent-Type: multipart/mixed; boundary=b{i + 1}\r\n\r\n"
    return (text + f"--b{depth}\r\nContent-Type: text/plain\r\n\r\ndeep\r\n").encode()


HOSTILE = {
    "unknown charset": (
        b"From: a@example.org\r\nContent-Type: text/plain; charset=x-made-up\r\n\r\ncaf\xc3\xa9",
        "declared charset 'x-made-up'",
    ),
    "wrong charset": (
        b"From: a@example.org\r\nContent-Type: text/plain; charset=utf-8\r\n\r\ncaf\xe9 cr\xe8me",
        "read as windows-1252",
    ),
    "8-bit header": (b"From: a@example.org\r\nSubject: caf\xe9\r\n\r\nx", "no readable Date"),
    "subject injection": (
        b"From: a@example.org\r\n"
        b"Subject: =?utf-8?b?SGkNCkJjYzogZXZpbEBleGFtcGxlLmNvbQ==?=\r\n\r\nx",
        "line break in the Subject header",
    ),
    "50 MB": (
        b"From: a@example.org\r\nContent-Type: text/plain\r\n\r\n" + b"x" * 76 * 700_000,
        "only its first 4 MB were read",
    ),
    "nested 1000 deep": (nested(1000), "only the headers were read"),
    "nested 30 deep": (nested(30), "MIME tree deeper than 20"),
    "empty": (b"", "no From address"),
    "garbage": (b"\x00\xff\xfe\r\n\r\n\x00\x00", "no From address"),
    "broken base64": (
        b"From: a@example.org\r\nContent-Transfer-Encoding: base64\r\n\r\nSGVsbG8=!!!*",
        "MIME defect",
    ),
    "bad date": (b"From: a@example.org\r\nDate: the 32nd of Smarch\r\n\r\nx", "no readable Date"),
    "bad address": (b'From: <<<@@@>>> ,,, "\r\nDate: x\r\n\r\nx', "no From address"),
    "many parts": (
        multipart("mixed", ["Content-Type: text/plain\r\n\r\np"] * 300),
        "more than 200",
    ),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_mail_is_stored_as_far_as_it_parses_and_flagged(name: str) -> None:
    raw, problem = HOSTILE[name]
    m = read_message(raw, remote_id="r")
    assert any(problem in p for p in m.problems), m.problems
    assert m.size == len(raw)
    for text in (m.subject, m.body_text, m.sender, *m.headers.values()):
        assert "\x00" not in text
        text.encode("utf-8")  # storable: no lone surrogates
    assert "\n" not in m.subject and "\r" not in m.subject


def test_hostile_details() -> None:
    assert read_message(HOSTILE["unknown charset"][0], remote_id="r").body_text == "café"
    assert read_message(HOSTILE["wrong charset"][0], remote_id="r").body_text == "café crème"
    assert read_message(HOSTILE["8-bit header"][0], remote_id="r").subject == "café"
    injected = read_message(HOSTILE["subject injection"][0], remote_id="r")
    assert injected.subject == "Hi Bcc: evil@example.com" and injected.to == ()
    big = read_message(HOSTILE["50 MB"][0], remote_id="r")
    assert big.sender == "a@example.org" and len(big.body_text) == 100_000


def test_a_date_without_zone_is_read_as_utc_and_offsets_are_kept() -> None:
    m = read_message(
        mail({"From": "a@example.org", "Date": "1 Dec 2026 10:00:00 -0000"}), remote_id="r"
    )
    assert m.sent_at == datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    m = read_message(
        mail({"From": "a@example.org", "Date": "1 Dec 2026 10:00 +0530"}), remote_id="r"
    )
    assert m.sent_at is not None and m.sent_at.utcoffset() == timedelta(hours=5, minutes=30)


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2_000))
def test_no_bytes_make_it_raise(raw: bytes) -> None:
    assert read_message(b"From: a@example.org\r\n" + raw, remote_id="r").remote_id == "r"


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_no_header_text_makes_it_raise(subject: str, sender: str) -> None:
    raw = f"From: {sender}\r\nSubject: {subject}\r\n\r\nbody".encode("utf-8", "surrogatepass")
    m = read_message(raw, remote_id="r")
    assert "\n" not in m.subject and "\x00" not in m.subject


REPLY = OutgoingMail(
    to=("Jörg Müller <joerg@example.de>",),
    cc=('"Doe, John" <john@example.org>',),
    bcc=("hidden@example.org",),
    subject="Re: Réunion lundi",
    body_text="Yes, Monday works.\n\n> Dear Anna,\n" + "long " * 300,
    in_reply_to="<m2@example.de>",
    references=("<m1@example.org>", "<m2@example.de>"),
)


def test_compose_writes_a_reply_that_reads_back_the_same() -> None:
    when = datetime(2026, 12, 2, 9, 30, tzinfo=timezone(timedelta(hours=1)))
    raw = compose(REPLY, "Anna <anna@example.org>", message_id="<r1@example.org>", when=when)
    assert all(len(line) <= 998 for line in raw.split(b"\r\n"))
    assert b"hidden@example.org" not in raw
    m = read_message(raw, remote_id="r")
    assert m.sender == "Anna <anna@example.org>" and m.to == ("Jörg Müller <joerg@example.de>",)
    assert m.cc == ('"Doe, John" <john@example.org>',)
    assert (m.subject, m.message_id, m.in_reply_to) == (
        "Re: Réunion lundi",
        "<r1@example.org>",
        "<m2@example.de>",
    )
    assert m.references == REPLY.references and m.sent_at == when
    assert m.body_text.replace("\r\n", "\n").rstrip() == REPLY.body_text.rstrip()
    assert m.problems == ()


def test_compose_makes_a_message_id_on_the_senders_domain_and_dates_now() -> None:
    raw = compose(OutgoingMail(to=("b@example.net",), subject="Hi", body_text="x"), "a@example.org")
    parsed = message_from_bytes(raw, policy=policy.default)
    assert str(parsed["Message-ID"]).endswith("@example.org>")
    assert abs(parsed["Date"].datetime - datetime.now(UTC)) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("change", "words"),
    [
        ({"subject": "Hi\r\nBcc: evil@example.com"}, "line break"),
        ({"to": ("a@example.org\nBcc: evil@example.com",)}, "line break"),
        ({"references": ("<a@b>\r\nX-Evil: 1",)}, "line break"),
        ({"to": ("not an address",)}, "not a mail address"),
        ({"to": (), "cc": (), "bcc": ()}, "at least one recipient"),
    ],
)
def test_compose_refuses_headers_that_would_inject_or_mislead(
    change: dict[str, object], words: str
) -> None:
    fields = {"to": ("b@example.net",), "subject": "Hi", "body_text": "x", **change}
    with pytest.raises(Invalid, match=words):
        compose(OutgoingMail(**fields), "a@example.org")  # type: ignore[arg-type]


def test_addresses_parse_and_format_back() -> None:
    assert parse_address('"Doe, John" <John@Example.org>') == ("Doe, John", "john@example.org")
    assert parse_address("nobody here") == ("nobody here", "")
    assert format_address("Doe, John", "john@example.org") == '"Doe, John" <john@example.org>'
    assert format_address("", "a@b.c") == "a@b.c"
    assert parse_address(format_address('Say "hi"', "x@y.z")) == ('Say "hi"', "x@y.z")
