"""The one place both chats turn requests into core calls: a `Reply` for every command.

Handlers only pull ids and text out of an update, call a `ChatDoor` method in a worker
thread, and render the `Reply`. Who is asking is settled here, before anything is read:
an identity that is not linked and may not sign up gets an explanation, never data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aurelius import correlation
from aurelius.bootstrap import Services
from bots.access import RateLimiter
from core.ai.assistant import Reply
from core.errors import UserError
from core.services.briefings import render as render_brief
from core.services.chat_actions import ChatActions
from core.services.links import LinkService, Onboarding
from core.services.mail_actions import MailActions
from core.services.tasks import TaskFilter
from core.timeutil import format_when, local_today, zone

SLOW_DOWN = "You're sending messages faster than I can keep up. Give me a minute."
HELP = (
    "I'm Aurelius, your chief of staff. Try:\n"
    "/today – today's agenda and what is due\n"
    "/tasks – your most urgent tasks, with buttons\n"
    "/remind <what> <when> – e.g. /remind call mum tomorrow 6pm\n"
    "/brief – your daily brief\n"
    "/mail – mail that needs your reply, with Draft / Archive / Open\n"
    "/reply ID <text> – draft that reply in the thread (sent only when you press Send)\n"
    "/usage – AI usage this month\n"
    "/link CODE – link this chat to your Aurelius account\n"
    "/connect google (or microsoft) – link your calendar account\n"
    "Or just write: \"add milk to my list\", \"am I free friday afternoon?\""
)
NOT_YET = "I can't read voice messages or pictures yet. Please type it for me."
TOP_TASKS = 10


@dataclass(frozen=True)
class Who:
    """A chat account: its platform id and display name."""

    external_id: str
    name: str = ""


class ChatDoor:
    def __init__(self, services: Services, channel: str) -> None:
        settings = services.settings
        self.services, self.channel = services, channel
        self.links = LinkService(services.db, services.clock)
        self.onboarding = Onboarding(
            settings.bot_onboarding,
            frozenset(i.strip() for i in settings.bot_allowlist.split(",") if i.strip()),
        )
        self.limiter = RateLimiter(settings.bot_rate_per_minute)
        self.mail_actions = MailActions(lambda: services.drafts,
                                        lambda: getattr(services, "mail", None), self._zone)
        self.actions = ChatActions(services.tasks, services.reminders, services.deliveries,
                                   services.ai.assistant, services.clock, self.mail_actions)

    # --- commands -------------------------------------------------------------------------

    def start(self, who: Who) -> Reply:
        hint = f"\n\nReminders can come here too: aurelius notify add {self.channel} " \
            f"{who.external_id}"
        return self._as(who, lambda user: Reply(
            f"Welcome, {who.name or 'friend'}!\n\n{HELP}{hint}"))

    def help(self, who: Who) -> Reply:
        return Reply(HELP)

    def not_yet(self, who: Who) -> Reply:
        return Reply(NOT_YET)

    def link(self, who: Who, code: str) -> Reply:
        if not code.strip():
            return Reply(f"Send /link CODE with a code from `aurelius link {self.channel}`.")
        return self._guarded(who, lambda: self._linked(who, code))

    def _linked(self, who: Who, code: str) -> Reply:
        self.links.redeem(self.channel, who.external_id, code)
        return Reply("Linked: this chat now acts for your Aurelius account.")

    def connect(self, who: Who, provider: str) -> Reply:
        """A button to the provider's consent page through `aurelius serve` (one-time)."""
        name = provider.strip().lower()
        if name not in ("google", "microsoft"):
            return Reply("Send /connect google or /connect microsoft.")
        return self._as(who, lambda user: self._connect(user, who, name))

    def _connect(self, user: int, who: Who, name: str) -> Reply:
        from aurelius.adapters.oauth.web import chat_link

        url = chat_link(self.services, user, name, f"{self.channel}:{who.external_id}")
        return Reply(f"Tap the button to connect {name.title()}. The link works once, for "
                     "10 minutes; I'll tell you here when the account is linked.",
                     actions=[url])

    def today(self, who: Who) -> Reply:
        return self._as(who, self._today)

    def tasks(self, who: Who) -> Reply:
        return self._as(who, self._tasks)

    def remind(self, who: Who, text: str) -> Reply:
        if not text.strip():
            return Reply("What and when? e.g. /remind call mum tomorrow 6pm")
        return self.ask(who, f"remind me to {text}")

    def brief(self, who: Who) -> Reply:
        return self._as(who, self._brief)

    def usage(self, who: Who) -> Reply:
        return self._as(who, self._usage)

    def mail(self, who: Who) -> Reply:
        return self._as(who, self.mail_actions.needs_reply)

    def reply(self, who: Who, text: str) -> Reply:
        """`/reply 12 yes, Thursday works`: a draft of those words in message 12's thread."""
        target, _, words = text.strip().partition(" ")
        if not target.isdigit() or len(target) > 12 or not words.strip():
            return Reply("Send /reply ID followed by your reply, e.g. /reply 12 Thursday works.")
        return self._as(who, lambda user: self.mail_actions.reply(user, int(target), words))

    def ask(self, who: Who, text: str) -> Reply:
        assistant = self.services.ai.assistant
        return self._as(who, lambda user: assistant.ask(user, text, channel=self.channel))

    def press(self, who: Who, payload: str) -> Reply:
        return self._as(who, lambda user: self.actions.run(user, payload, self.channel))

    def command(self, who: Who, words: str) -> Reply:
        """A command by name with its arguments (Slack's `/aurelius tasks`); anything
        else goes to the assistant."""
        name, _, rest = words.strip().partition(" ")
        simple = {"start": self.start, "help": self.help, "today": self.today,
                  "tasks": self.tasks, "brief": self.brief, "usage": self.usage,
                  "mail": self.mail}
        if name.lower() in simple:
            return simple[name.lower()](who)
        if name.lower() in ("link", "remind", "connect", "reply"):
            run = {"link": self.link, "remind": self.remind, "connect": self.connect,
                   "reply": self.reply}
            return run[name.lower()](who, rest)
        return self.ask(who, words) if words.strip() else self.help(who)

    # --- who is asking --------------------------------------------------------------------

    def user_of(self, who: Who) -> int:
        """The user an identity acts for; signs it up when the policy allows."""
        return self.links.sign_up(self.channel, who.external_id, who.name,
                                  self.services.settings.timezone, self.onboarding)

    def _as(self, who: Who, run: Callable[[int], Reply]) -> Reply:
        return self._guarded(who, lambda: run(self.user_of(who)))

    def _guarded(self, who: Who, run: Callable[[], Reply]) -> Reply:
        if not self.limiter.allow(who.external_id):
            return Reply(SLOW_DOWN)
        # One correlation id per chat update: the webhook request's, or a fresh one (polling).
        with correlation.bound(correlation.current()):
            try:
                return run()
            except UserError as error:
                return Reply(str(error))

    # --- answers --------------------------------------------------------------------------

    def _today(self, user: int) -> Reply:
        tz = self._zone(user)
        day = local_today(self.services.clock.now(), tz)
        events = self.services.calendar.day(user, day)
        due = self.services.tasks.ranked(user, TaskFilter(today=True))
        lines = [f"Today, {format_when(day, tz)}:"]
        lines += [f"{e.start.astimezone(zone(tz)):%H:%M} {e.title}" for e in events] or [
            "Nothing scheduled."]
        if due:
            lines += ["", "Due today:"] + [f"#{t.id} {t.title}" for t in due]
        return Reply("\n".join(lines), [t.to_json() for t in due])

    def _tasks(self, user: int) -> Reply:
        ranked = self.services.tasks.ranked(user)[:TOP_TASKS]
        if not ranked:
            return Reply("No open tasks. Add one by writing e.g. \"buy milk tomorrow\".")
        lines = ["Your most urgent tasks:"] + [f"#{t.id} {t.title}" for t in ranked]
        return Reply("\n".join(lines), [t.to_json() for t in ranked])

    def _brief(self, user: int) -> Reply:
        day = local_today(self.services.clock.now(), self._zone(user))
        return Reply(render_brief(self.services.briefings.build(user, day)))

    def _usage(self, user: int) -> Reply:
        standing = self.services.ai.meter.standing(user)
        return Reply(f"AI requests today: {standing.requests_today}\n"
                     f"Spend this month: ${standing.spend_this_month:.2f}")

    def _zone(self, user: int) -> str:
        from core.services.users import user_timezone

        with self.services.db.transaction() as session:
            return user_timezone(session, user)

