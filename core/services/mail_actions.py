"""Mail in the chats: `/mail` lists what needs a reply with Draft / Archive / Open buttons;
Draft (or `/reply ID text`) answers with the draft's preview — every recipient, the subject,
the text — and Send / Cancel buttons. Only the Send button sends.

Payloads follow `chat_actions`: `mail:draft:12`, `mail:archive:12`, `mail:open:12`,
`draft:send:3`, `draft:cancel:3`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from core.ai.mail_tools import MailFinder, listing, mail_item
from core.errors import NotFound
from core.timeutil import format_when

if TYPE_CHECKING:
    from core.ai.assistant import Reply
    from core.services.chat_actions import Action
    from core.services.mail_drafts import DraftView, MailDrafts

LISTED = 10
SHOWN_LINES = 15
BODY_LIMIT = 1500  # an opened message in a chat: its start, the rest is in the mail app
WRITE_FOR_ME = "Write a short, friendly reply that answers what they ask or say."
NO_MAIL = ("Mail is not connected yet: run `aurelius connect imap` (or `aurelius connect "
           "google --mail`) on your computer.")


class MailActions:
    """`drafts`, `finder` and `zone` are looked up per call (the parts wired last)."""

    def __init__(self, drafts: Callable[[], MailDrafts], finder: Callable[[], MailFinder | None],
                 zone: Callable[[int], str]) -> None:
        self.drafts, self.finder, self.zone = drafts, finder, zone

    def needs_reply(self, user_id: int) -> Reply:
        from core.ai.assistant import Reply

        finder = self._finder()
        items = [mail_item(v) for v in finder.list(user_id, needs_reply=True, limit=LISTED)]
        if not items:
            return Reply("Nothing needs your reply right now.")
        text = f"Mail that needs your reply:\n{listing(items, self.zone(user_id))}"
        return Reply(text, items)

    def reply(self, user_id: int, message_id: int, text: str) -> Reply:
        """A draft of the person's own reply (`/reply ID text`), shown to confirm."""
        return self._preview(self.drafts().draft_reply(user_id, message_id, text))

    def press(self, user_id: int, action: Action) -> Reply:
        from core.ai.assistant import Reply

        if action.kind == "draft":
            return Reply(self._settle(user_id, action))
        if action.verb == "open":
            return self._open(user_id, action.target)
        if action.verb == "archive":
            self._finder().archive(user_id, action.target)
            return Reply(f"Archived message #{action.target}.")
        drafts = self.drafts()
        if not drafts.can_write():
            return Reply("No AI model is set up, so I need your words: send "
                         f"/reply {action.target} followed by your reply.")
        return self._preview(drafts.draft_reply(user_id, action.target, WRITE_FOR_ME))

    def _settle(self, user_id: int, action: Action) -> str:
        drafts = self.drafts()
        if action.verb == "cancel":
            view = drafts.discard(user_id, action.target)
            return ("It was sent already." if view.status == "sent"
                    else f"Not sent. Draft #{view.id} is discarded.")
        sent = drafts.send(user_id, action.target, confirmed=True)  # the button is the yes
        if sent.already:
            return f"Draft #{sent.draft_id} was sent already; nothing sent again."
        return f"Sent {sent.subject!r} to {', '.join((*sent.to, *sent.cc))}."

    def _open(self, user_id: int, message_id: int) -> Reply:
        from core.ai.assistant import Reply

        detail = self._finder().show(user_id, message_id)
        item = mail_item(detail)
        sent = getattr(detail, "date", None)
        when = format_when(sent, self.zone(user_id)) if sent else "undated"
        body = (getattr(detail, "body", None) or item.get("snippet") or "")[:BODY_LIMIT]
        head = f"From: {item['from_name']} <{item['from_email']}>\nDate: {when}\n"
        return Reply(f"{head}Subject: {item['subject']}\n\n{body}".rstrip(), [item])

    def _preview(self, view: DraftView) -> Reply:
        from core.ai.assistant import Reply
        from core.services.chat_actions import encode

        cc = f"Cc: {', '.join(view.cc)}\n" if view.cc else ""
        lines = "\n".join(view.body.splitlines()[:SHOWN_LINES])
        text = (f"Draft #{view.id} (not sent)\nTo: {', '.join(view.to)}\n{cc}"
                f"Subject: {view.subject}\n\n{lines}")
        return Reply(text, actions=[encode("draft", "send", view.id),
                                    encode("draft", "cancel", view.id)],
                     notices=list(view.notices))

    def _finder(self) -> MailFinder:
        finder = self.finder()
        if finder is None:
            raise NotFound(NO_MAIL)
        return finder
