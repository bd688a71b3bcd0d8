"""The shared rendering layer: escaping, safe splitting, buttons and Block Kit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bots.access import RateLimiter
from bots.render import plain, slack_reply, split, telegram_messages
from core.ai.assistant import Reply
from core.services.chat_actions import Action, decode, encode

TASK = {"id": 3, "title": "<b>&", "status": "pending", "priority": 2}


def test_titles_render_literally() -> None:
    [piece] = telegram_messages(Reply("#3 <b>&", [TASK]))
    assert piece.text == "#3 &lt;b&gt;&amp;" and piece.plain == "#3 <b>&"
    assert piece.buttons[0][0] == ("✓ #3", "task:done:3")


def test_control_characters_are_escaped_on_both_platforms() -> None:
    reply = Reply("pay\x1b]0;x\x07 rent\x9b\u202e\nnext", notices=["\x1b[2J"])
    [piece] = telegram_messages(reply)
    [(text, blocks)] = slack_reply(reply)
    for shown in (piece.text, piece.plain, text, blocks[0]["text"]["text"]):
        assert not any(char in shown for char in "\x1b\x07\x9b\u202e")
        assert "pay\\u001b]0;x\\u0007 rent" in shown and "\nnext" in shown


def test_long_replies_split_at_line_breaks_under_the_limit() -> None:
    text = "\n".join(f"line {i} " + "x" * 50 for i in range(300))
    pieces = telegram_messages(Reply(text, [TASK]))
    assert len(pieces) > 3 and all(len(p.text) <= 4096 for p in pieces)
    assert "\n".join(p.text for p in pieces) == text
    assert pieces[-1].buttons and not pieces[0].buttons


def test_pre_blocks_are_closed_and_reopened() -> None:
    text = "<pre>" + "\n".join("row" * 10 for _ in range(20)) + "</pre>"
    pieces = split(text, 100)
    assert all(p.count("<pre>") == p.count("</pre>") == 1 for p in pieces)


@given(st.text(alphabet="ab <>&;\n", max_size=600), st.integers(30, 120))
def test_pieces_never_cut_a_tag_or_entity(raw: str, limit: int) -> None:
    from bots.render import escape

    escaped = escape(raw)
    pieces = split(escaped, limit)
    assert all(len(p) <= limit for p in pieces)
    for piece in pieces:
        assert plain(piece).count("&") == piece.count("&amp;")  # no entity torn apart


def test_confirmations_and_slack_blocks() -> None:
    [(text, blocks)] = slack_reply(Reply("Delete task #1?", actions=["yes", "no"]))
    assert text == "Delete task #1?" and blocks[0]["type"] == "section"
    assert [e["value"] for e in blocks[1]["elements"]] == ["confirm:yes", "confirm:no"]


def test_payloads_decode_strictly() -> None:
    assert decode(encode("task", "done", 4)) == Action("task", "done", 4)
    assert decode("rem:ack:9") == Action("rem", "ack", 9)
    for bad in ("", "task:done", "task:drop:1", "task:done:-1", "confirm:yes:1", "x" * 80):
        assert decode(bad) is None


def test_rate_limiter_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.allow("a") and limiter.allow("a") and not limiter.allow("a")
    assert limiter.allow("b")
    now[0] += 30
    assert limiter.allow("a") and not limiter.allow("a")
