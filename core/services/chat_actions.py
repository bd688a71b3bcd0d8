"""What the buttons under chat messages mean, and doing it.

Telegram callback data and Slack button values carry a short payload, `kind:verb:id`
(`task:done:12`, `rem:ack:3`, `confirm:yes`). Notifier adapters write them, bots read them
back; both sides use this one module so the format cannot drift. Anything that does not
decode, or names something the user does not own, gets a polite answer and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from core.errors import UserError
from core.timeutil import format_when

if TYPE_CHECKING:
    from core.ai.assistant import Assistant, Reply
    from core.ports import Clock
    from core.services.deliveries import DeliveryService
    from core.services.mail_actions import MailActions
    from core.services.reminders import ReminderService
    from core.services.tasks import TaskService

SNOOZE = timedelta(hours=1)
VERBS = {"task": ("done", "snooze", "open"), "rem": ("ack", "snooze"),
         "confirm": ("yes", "no", "edit"), "mail": ("draft", "archive", "open"),
         "draft": ("send", "cancel")}
UNKNOWN = "That button is no longer valid. Send /tasks for a fresh list."


@dataclass(frozen=True)
class Action:
    kind: str
    verb: str
    target: int = 0


def encode(kind: str, verb: str, target: int | None = None) -> str:
    return f"{kind}:{verb}" if target is None else f"{kind}:{verb}:{target}"


def decode(payload: str) -> Action | None:
    """The action in a payload, or None when it is not one of ours."""
    parts = payload.split(":")
    if len(parts) not in (2, 3) or parts[1] not in VERBS.get(parts[0], ()):
        return None
    if parts[0] == "confirm":
        return Action(parts[0], parts[1]) if len(parts) == 2 else None
    if len(parts) != 3 or not parts[2].isdigit() or len(parts[2]) > 12:
        return None
    return Action(parts[0], parts[1], int(parts[2]))


class ChatActions:
    def __init__(self, tasks: TaskService, reminders: ReminderService,
                 deliveries: DeliveryService, assistant: Assistant, clock: Clock,
                 mail: MailActions | None = None) -> None:
        self.tasks, self.reminders, self.deliveries = tasks, reminders, deliveries
        self.assistant, self.clock, self.mail = assistant, clock, mail

    def run(self, user_id: int, payload: str, channel: str) -> Reply:
        from core.ai.assistant import Reply

        action = decode(payload)
        if action is None:
            return Reply(UNKNOWN)
        if action.kind == "confirm":
            return self.assistant.ask(user_id, action.verb, channel=channel)
        try:
            if action.kind in ("mail", "draft") and self.mail:
                return self.mail.press(user_id, action)
            return Reply(self._apply(user_id, action))
        except UserError as error:  # a task deleted since the list was sent, say
            return Reply(str(error))

    def _apply(self, user_id: int, action: Action) -> str:
        if action.kind == "rem":
            return self._reminder(user_id, action)
        if action.verb == "done":
            done = self.tasks.complete(user_id, action.target)
            return f"Done: #{done.done.id} {done.done.title}."
        task = self.tasks.get(user_id, action.target)
        if action.verb == "open":
            due = f"\nDue {format_when(task.due, task.timezone)}" if task.due else ""
            return f"#{task.id} {task.title}{due}\nPriority {task.priority}\n{task.notes}".strip()
        at = self.clock.now() + SNOOZE
        self.reminders.add(user_id, task.title, at, task_id=task.id)
        return f"I'll remind you about #{task.id} at {format_when(at, task.timezone)}."

    def _reminder(self, user_id: int, action: Action) -> str:
        if action.verb == "ack":
            self.deliveries.acknowledge(user_id, action.target)
            return "Acknowledged."
        view = self.reminders.snooze(user_id, action.target, SNOOZE)
        return f"Snoozed until {format_when(view.remind_at, view.timezone)}."
