"""The security log: sign-ins and failed sign-ins, tokens created and revoked, refresh-token
reuse, role changes, disabled users, connection changes and other admin actions.

Every entry says who acted (`actor_id`), whom it concerns (`user_id`), when, from which
address and under which request id. `detail` is redacted before it is stored: anything
under a secret's name (token, password, cookie...) never reaches the table.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import Database
from core.models import SecurityEntry
from core.ports import Clock
from core.redaction import redact
from core.services.views import _Json

ACTIONS = (
    "sign_in", "sign_in.failed", "sign_out", "refresh.reuse", "token.created",
    "token.revoked", "role.changed", "user.disabled", "user.invited", "connection.added",
    "connection.removed", "admin.action",
)  # fmt: skip


@dataclass(frozen=True)
class SecurityView(_Json):
    id: int
    at: datetime
    action: str
    actor_id: int | None = None
    user_id: int | None = None
    ip: str | None = None
    request_id: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


class SecurityLog:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    def record(
        self,
        action: str,
        *,
        actor_id: int | None = None,
        user_id: int | None = None,
        ip: str | None = None,
        request_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        with self.db.transaction() as session:
            write(session, self.clock.now(), action, actor_id=actor_id, user_id=user_id,
                  ip=ip, request_id=request_id, detail=detail)

    def entries(self, limit: int = 100) -> list[SecurityView]:
        """The newest `limit` entries, newest first."""
        with self.db.transaction() as session:
            rows = session.scalars(
                select(SecurityEntry).order_by(SecurityEntry.id.desc()).limit(max(1, limit))
            )
            return [_view(row) for row in rows]


def write(session: Session, at: datetime, action: str, **facts: Any) -> None:
    """One entry inside the caller's transaction (an admin action and its entry commit
    together, or neither does)."""
    detail = redact(facts.pop("detail", None) or {})
    session.add(SecurityEntry(at=at, action=action, detail=detail, **facts))


def _view(row: SecurityEntry) -> SecurityView:
    return SecurityView(
        id=row.id, at=row.at, action=row.action, actor_id=row.actor_id, user_id=row.user_id,
        ip=row.ip, request_id=row.request_id, detail=dict(row.detail or {}),
    )  # fmt: skip
