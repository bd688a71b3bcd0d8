"""The conversation loop every door (CLI, TUI, bots) hands free text to.

One turn: settle a pending confirmation, or read the request (offline parser first), ask
the gateway, run the tools the model asks for, repeat until the model answers in text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from core.ai.gateway import Answer, Gateway, GatewayCall
from core.ai.mail_tools import mail_ids
from core.ai.offline import describe, needs_confirming, understood
from core.ai.prompts import Preferences, system_prompt
from core.ai.threads import Pending, Threads
from core.ai.tools import Toolbox, ToolOutcome, is_destructive
from core.ai.types import ASSISTANT, TOOL, USER, ChatRequest, Message, ToolCall
from core.db import Database
from core.errors import UserError
from core.nlu import Parsed, parse
from core.ports import Clock
from core.services.users import user_timezone

MAX_STEPS = 6  # tool rounds per request; a model that loops longer is stopped
YES = re.compile(r"^\s*(?:y|yes|yep|confirm|confirmed|do it|go ahead|ok|okay|sure)\s*[.!]*\s*$",
                 re.IGNORECASE)
NO = re.compile(r"^\s*(?:n|no|nope|cancel|stop|don't|do not|edit)\s*[.!]*\s*$", re.IGNORECASE)
EDIT = "edit"  # the Edit button: drop the held add so the user can say it again
# Several actions in one request, or a change relative to something existing: a model
# must plan the steps, so it goes to the default tier.
SEVERAL_STEPS = re.compile(
    r"\b(?:and then|then|and (?:also )?(?:remind|add|schedule|book|move|tell|send|invite)|"
    r"move|reschedule|postpone|push back|bring forward|same time|instead|rearrange|plan)\b",
    re.IGNORECASE,
)


@dataclass
class Reply:
    """What front ends render: text, structured items, and suggested next inputs."""

    text: str
    items: list[dict[str, Any]] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    model: str = ""
    provider: str = ""


@dataclass
class _Turn:
    user_id: int
    tz: str
    thread_id: int
    messages: list[Message]
    doubted: Parsed | None = None  # the offline reading, when it has doubts
    confirm: str = ""  # a held send's question, shown however the model words its reply
    new: list[Message] = field(default_factory=list)
    reply: Reply = field(default_factory=lambda: Reply(""))

    def add(self, message: Message) -> None:
        self.messages.append(message)
        self.new.append(message)


def needs_reasoning(text: str) -> bool:
    return bool(SEVERAL_STEPS.search(text)) or len(text) > 300


class Assistant:
    def __init__(self, db: Database, clock: Clock, gateway: Gateway, toolbox: Toolbox,
                 preferences: Preferences | None = None) -> None:
        self.db, self.clock, self.gateway, self.toolbox = db, clock, gateway, toolbox
        self.threads = Threads(db)
        self.preferences = preferences or Preferences()

    def ask(self, user_id: int, text: str, channel: str = "cli",
            on_text: Callable[[str], None] | None = None) -> Reply:
        tz = self._zone(user_id)
        thread_id = self.threads.ensure(user_id, channel)
        pending = self.threads.pending(user_id)
        if pending and (YES.match(text) or NO.match(text)):
            return self._settle(user_id, tz, thread_id, pending, bool(YES.match(text)),
                                edit=text.strip().lower() == EDIT)
        turn = _Turn(user_id, tz, thread_id, self.threads.history(thread_id))
        turn.add(Message(USER, text))
        self._converse(turn, text, on_text)
        self.threads.append(thread_id, turn.new, self.clock.now())
        return turn.reply

    def _zone(self, user_id: int) -> str:
        with self.db.transaction() as session:
            return user_timezone(session, user_id)

    def _converse(self, turn: _Turn, text: str, on_text: Callable[[str], None] | None) -> None:
        parsed = parse(text, self.clock.now(), turn.tz, dayfirst=self.preferences.dayfirst)
        several = needs_reasoning(text)
        offline_first = understood(parsed) and not several
        turn.doubted = None if parsed.confident else parsed
        use_case = "plan" if several else "chat"
        deadline = self.gateway.turn_deadline()  # one budget for every step of this turn
        for step in range(MAX_STEPS):
            call = GatewayCall(turn.user_id, use_case, self._request(turn), offline_first,
                               cacheable=step == 0, data_kinds=_kinds(turn.messages),
                               deadline=deadline)
            answer = self.gateway.ask(call, on_text)
            self._note(turn, answer)
            turn.add(Message(ASSISTANT, answer.result.text, answer.result.tool_calls))
            if not answer.result.tool_calls:
                break
            for tool_call in answer.result.tool_calls:
                self._run_tool(turn, tool_call)
        else:
            turn.reply.text += "\n(Stopped after too many steps; ask again more simply.)"
        if turn.confirm and turn.confirm not in turn.reply.text:
            turn.reply.text = f"{turn.reply.text}\n{turn.confirm}".strip()

    def _request(self, turn: _Turn) -> ChatRequest:
        system = system_prompt(self.clock.now(), turn.tz, self.preferences)
        return ChatRequest(system, tuple(turn.messages), self.toolbox.specs, timezone=turn.tz)

    def _note(self, turn: _Turn, answer: Answer) -> None:
        reply = turn.reply
        reply.notices.extend(n for n in answer.notices if n not in reply.notices)
        reply.model, reply.provider = answer.model, answer.provider
        if answer.result.text:
            reply.text = answer.result.text

    def _run_tool(self, turn: _Turn, call: ToolCall) -> None:
        doubted = turn.doubted
        refused = self.toolbox.refusal(call.name, call.arguments, _said(turn.messages))
        if refused:
            outcome = ToolOutcome(refused, error=True)
        elif (doubted is not None and turn.reply.provider == "offline"
                and needs_confirming(doubted, call.name)):
            # An offline add the parser doubts: echo it and wait for yes (or Edit).
            question = describe(call.name, call.arguments, turn.tz)
            outcome = self._hold(turn, call, question, ["yes", EDIT], ToolOutcome(
                f"Not sure I read that right ({'; '.join(doubted.doubts)}). {question}? "
                "Answer yes, or edit to say it again."))
        elif is_destructive(call.name, call.arguments):
            outcome = self._confirm(turn, call)
        else:
            outcome = self.toolbox.run(turn.user_id, turn.tz, call.name, call.arguments)
            turn.reply.items.extend(outcome.items)
        turn.add(Message(TOOL, outcome.content(), tool_call_id=call.id,
                         data_kind=outcome.data_kind))

    def _confirm(self, turn: _Turn, call: ToolCall) -> ToolOutcome:
        """Hold a destructive call for the user's yes. A send's question (every recipient)
        is written into the reply itself, whatever the model says around it."""
        try:
            description = self.toolbox.describe(turn.tz, call.name, call.arguments,
                                                turn.user_id)
        except UserError as error:
            return ToolOutcome(f"{call.name} failed: {error}", error=True)
        outcome = self._hold(turn, call, description)
        if call.name.startswith("email."):
            turn.confirm = f"Confirm: {description}? (yes/no)"
        return outcome

    def _hold(self, turn: _Turn, call: ToolCall, description: str,
              actions: list[str] | None = None, said: ToolOutcome | None = None) -> ToolOutcome:
        action_id = self.threads.hold(turn.user_id, call.name, dict(call.arguments),
                                      description, self.clock.now())
        turn.reply.actions = actions or ["yes", "no"]
        if said is not None:
            return said
        return ToolOutcome(
            f"Waiting for the user's confirmation (action #{action_id}): {description}. "
            "Ask them to answer yes or no.")

    def _settle(self, user_id: int, tz: str, thread_id: int, pending: Pending,
                confirmed: bool, edit: bool = False) -> Reply:
        now = self.clock.now()
        if not confirmed:
            self.threads.resolve(user_id, pending.id, "cancelled", now)
            reply = Reply(f"Not added: {pending.description}. Say it again the way you mean it."
                          if edit else f"Cancelled: {pending.description}.")
        else:
            self.threads.resolve(user_id, pending.id, "confirmed", now)
            outcome = self.toolbox.run(user_id, tz, pending.tool, pending.arguments)
            reply = Reply(outcome.summary, outcome.items, provider="offline")
        self.threads.append(thread_id, [Message(USER, "yes" if confirmed else "no"),
                                        Message(ASSISTANT, reply.text)], now)
        return reply


def _kinds(messages: list[Message]) -> frozenset[str]:
    """What personal data the request carries; `mail:<id>` names each message shown."""
    kinds = {"messages"}
    for message in messages:
        if message.data_kind:
            kinds.update(message.data_kind.split("+"))
            kinds.update(mail_ids(message))
    return frozenset(kinds)


def _said(messages: list[Message]) -> str:
    """The person's own words in this conversation (never tool results or mail)."""
    return "\n".join(m.content for m in messages if m.role == USER)
