"""Conversation threads (one per user and channel) and the pending actions in them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from core.ai.types import TOOL, USER, Message, ToolCall
from core.db import Database
from core.models.ai import PendingAction, Thread, ThreadMessage

MAX_MESSAGES = 30
MAX_CHARS = 8000  # keeps prompts small; older turns fall out of the window


@dataclass(frozen=True)
class Pending:
    id: int
    tool: str
    arguments: dict[str, Any]
    description: str


class Threads:
    def __init__(self, db: Database) -> None:
        self.db = db

    def ensure(self, user_id: int, channel: str) -> int:
        with self.db.transaction() as session:
            found = session.scalars(
                select(Thread.id).where(Thread.user_id == user_id, Thread.channel == channel)
            ).first()
            if found is not None:
                return found
            thread = Thread(user_id=user_id, channel=channel)
            session.add(thread)
            session.flush()
            return thread.id

    def history(self, thread_id: int) -> list[Message]:
        """The recent part of the thread, trimmed to start at a user's own message so a
        tool result is never separated from the call it answers."""
        query = (
            select(ThreadMessage)
            .where(ThreadMessage.thread_id == thread_id)
            .order_by(ThreadMessage.id.desc())
            .limit(MAX_MESSAGES)
        )
        with self.db.transaction() as session:
            rows = list(reversed(session.scalars(query).all()))
        messages = [_message(row) for row in rows]
        return trim(messages)

    def append(self, thread_id: int, messages: list[Message], now: datetime) -> None:
        with self.db.transaction() as session:
            session.add_all(_row(thread_id, m, now) for m in messages)

    def hold(
        self, user_id: int, tool: str, arguments: dict[str, Any], description: str, now: datetime
    ) -> int:
        with self.db.transaction() as session:
            action = PendingAction(
                user_id=user_id,
                tool=tool,
                arguments=arguments,
                description=description,
                created_at=now,
            )
            session.add(action)
            session.flush()
            return action.id

    def pending(self, user_id: int) -> Pending | None:
        query = (
            select(PendingAction)
            .where(PendingAction.user_id == user_id, PendingAction.status == "pending")
            .order_by(PendingAction.id.desc())
        )
        with self.db.transaction() as session:
            row = session.scalars(query).first()
            return Pending(row.id, row.tool, dict(row.arguments), row.description) if row else None

    def resolve(self, user_id: int, action_id: int, status: str, now: datetime) -> None:
        with self.db.transaction() as session:
            row = session.get(PendingAction, action_id)
            if row is not None and row.user_id == user_id and row.status == "pending":
                row.status, row.resolved_at = status, now


def trim(messages: list[Message]) -> list[Message]:
    total, keep = 0, len(messages)
    for index in range(len(messages) - 1, -1, -1):
        total += len(messages[index].content)
        if total > MAX_CHARS:
            break
        keep = index
    while keep < len(messages) and not _starts_turn(messages[keep]):
        keep += 1
    return messages[keep:]


def _starts_turn(message: Message) -> bool:
    return message.role == USER


def _message(row: ThreadMessage) -> Message:
    calls = tuple(ToolCall(c["id"], c["name"], c["arguments"]) for c in row.tool_calls or [])
    return Message(row.role, row.content, calls, row.tool_call_id, row.data_kind)


def _row(thread_id: int, message: Message, now: datetime) -> ThreadMessage:
    calls = [{"id": c.id, "name": c.name, "arguments": c.arguments} for c in message.tool_calls]
    return ThreadMessage(
        thread_id=thread_id,
        role=message.role,
        content=message.content,
        tool_calls=calls,
        tool_call_id=message.tool_call_id,
        data_kind=message.data_kind if message.role == TOOL else None,
        created_at=now,
    )
