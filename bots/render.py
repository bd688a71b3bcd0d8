"""One rendering layer for both chats: a core `Reply` becomes Telegram HTML or Block Kit.

Text is always made printable and escaped first (a task called `<b>&` shows exactly that;
control characters show as `\\uXXXX`), then split at line
breaks under the platform's limit, never inside a tag, an entity or a `<pre>` block.
Buttons are (label, payload) pairs; payloads come from `core.services.chat_actions`.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from core.ai.assistant import Reply
from core.sanitize import printable
from core.services.chat_actions import decode, encode

TELEGRAM_LIMIT = 4096
SLACK_SECTION_LIMIT = 3000
SLACK_BLOCK_LIMIT = 50
MAX_TASK_BUTTONS = 5  # rows of buttons beyond this make a list unreadable on a phone
SENDING = {"send": "Send", "cancel": "Cancel"}  # a draft's preview: the only way to send
TAG = re.compile(r"<[^>]*>")

Button = tuple[str, str]


@dataclass
class Outgoing:
    """One message ready to send: formatted text, its plain twin, and button rows."""

    text: str
    plain: str
    buttons: list[list[Button]] = field(default_factory=list)


def escape(text: str) -> str:
    """Escape for Telegram HTML and Slack mrkdwn alike: both only reserve &, < and >."""
    return html.escape(printable(text), quote=False)


def plain(formatted: str) -> str:
    """The text without markup, for when a platform rejects the formatting."""
    return html.unescape(TAG.sub("", formatted))


def buttons(reply: Reply) -> list[list[Button]]:
    """Confirm/Cancel for a held action (Confirm/Edit when the reading itself is in doubt);
    done/snooze/open for each listed task, Draft/Archive/Open for each listed mail, Send/
    Cancel under a draft; a web link (a sign-in page) as a link button."""
    links = [a for a in reply.actions if is_link(a)]
    if links:
        return [[("Open sign-in page", links[0])]]
    drafts = [(a, decode(a)) for a in reply.actions if a.startswith("draft:")]
    if drafts:
        return [[(SENDING[action.verb], payload) for payload, action in drafts if action]]
    if "yes" in reply.actions:
        other = ("Edit", encode("confirm", "edit")) if "edit" in reply.actions else (
            "Cancel", encode("confirm", "no"))
        return [[("Confirm", encode("confirm", "yes")), other]]
    rows = []
    for item in _tasks(reply.items)[:MAX_TASK_BUTTONS]:
        task_id = int(item["id"])
        rows.append([(f"✓ #{task_id}", encode("task", "done", task_id)),
                     ("Snooze 1h", encode("task", "snooze", task_id)),
                     ("Open", encode("task", "open", task_id))])
    mail = [i for i in reply.items if i.get("kind") == "mail" and "id" in i]
    for item in mail[:MAX_TASK_BUTTONS]:
        mail_id = int(item["id"])
        rows.append([(f"Draft #{mail_id}", encode("mail", "draft", mail_id)),
                     ("Archive", encode("mail", "archive", mail_id)),
                     ("Open", encode("mail", "open", mail_id))])
    return rows


def is_link(payload: str) -> bool:
    return payload.startswith(("https://", "http://"))


def _tasks(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [i for i in items if "priority" in i and i.get("status") == "pending" and "id" in i]


def reply_html(reply: Reply) -> str:
    notices = "".join(f"<i>{escape(n)}</i>\n" for n in reply.notices)
    return notices + escape(reply.text or "Done.")


def telegram_messages(reply: Reply, limit: int = TELEGRAM_LIMIT) -> list[Outgoing]:
    """The reply as Telegram messages; buttons ride on the last one."""
    chunks = split(reply_html(reply), limit)
    out = [Outgoing(chunk, plain(chunk)) for chunk in chunks]
    out[-1].buttons = buttons(reply)
    return out


def split(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, cut at line breaks; a `<pre>` block cut in
    two is closed and reopened so every piece is valid on its own."""
    pieces: list[str] = []
    current = ""
    for line in _short_lines(text, limit - len("<pre></pre>")):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit - (len("</pre>") if _in_pre(candidate) else 0):
            current = candidate
            continue
        if current:
            reopen = _in_pre(current)
            pieces.append(current + ("</pre>" if reopen else ""))
            current = ("<pre>" if reopen else "") + line
        else:
            current = line
    pieces.append(current)
    return [p for p in pieces if p.strip()] or [""]


def _in_pre(text: str) -> bool:
    return text.count("<pre>") > text.count("</pre>")


def _short_lines(text: str, limit: int) -> list[str]:
    lines: list[str] = []
    for line in text.split("\n"):
        while len(line) > limit:
            cut = _safe_cut(line, limit)
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


def _safe_cut(line: str, limit: int) -> int:
    """The last position at or before `limit` that is not inside a tag or an entity,
    preferring a space."""
    cut = limit
    opened = max(line.rfind("<", 0, cut), line.rfind("&", 0, cut))
    if opened > line.rfind(">", 0, cut) and opened > line.rfind(";", 0, cut) and opened > 0:
        cut = opened
    space = line.rfind(" ", 0, cut)
    return space + 1 if space > cut // 2 else cut


def slack_messages(reply: Reply) -> list[Outgoing]:
    """Block Kit for Slack: Outgoing.text holds mrkdwn; blocks come from `slack_blocks`."""
    return [Outgoing(chunk, plain(chunk)) for chunk in split(_mrkdwn(reply),
                                                             SLACK_SECTION_LIMIT)]


def _mrkdwn(reply: Reply) -> str:
    notices = "".join(f"_{escape(n)}_\n" for n in reply.notices)
    return notices + escape(reply.text or "Done.")


def slack_blocks(text: str, rows: list[list[Button]]) -> list[dict[str, Any]]:
    """A section for the text and one actions block per row of buttons."""
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": text or " "}}
    ]
    for row in rows[: SLACK_BLOCK_LIMIT - 1]:
        blocks.append({"type": "actions", "elements": [_slack_button(b) for b in row]})
    return blocks


def _slack_button(button: Button) -> dict[str, Any]:
    label, payload = button
    shown = {"type": "button", "text": {"type": "plain_text", "text": label[:75]}}
    if is_link(payload):
        return {**shown, "url": payload, "action_id": "open-link"}
    return {**shown, "action_id": payload, "value": payload}


def slack_reply(reply: Reply) -> list[tuple[str, list[dict[str, Any]]]]:
    """(notification text, blocks) per Slack message; buttons on the last message. The
    text stays escaped: Slack reads it as mrkdwn too."""
    messages = slack_messages(reply)
    rows = buttons(reply)
    return [(m.text, slack_blocks(m.text, rows if i == len(messages) - 1 else []))
            for i, m in enumerate(messages)]
