"""The undo journal: every user-visible change is written with row snapshots before and after."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from core.db import emit
from core.models import AuditEntry, Base
from core.models.base import utcnow


def snapshot(row: Base) -> dict[str, Any]:
    """The row's column values as JSON-safe data (dates tagged so they come back as dates)."""
    return {attr.key: _encode(getattr(row, attr.key)) for attr in inspect(row).mapper.column_attrs}


def restore(row: Base, data: dict[str, Any]) -> None:
    for key, value in data.items():
        setattr(row, key, _decode(value))


def record(
    session: Session,
    user_id: int,
    entity: str,
    entity_id: int,
    action: str,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    emit(session, f"{entity}.changed", user_id=user_id, id=entity_id, action=action)
    session.add(
        AuditEntry(
            user_id=user_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            before=before,
            after=after,
        )
    )


def last_undoable(session: Session, user_id: int, entity: str) -> AuditEntry | None:
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.user_id == user_id,
            AuditEntry.entity == entity,
            AuditEntry.undone_at.is_(None),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    return session.scalars(query).first()


def mark_undone(session: Session, entry: AuditEntry) -> None:
    entry.undone_at = utcnow()
    emit(
        session, f"{entry.entity}.changed", user_id=entry.user_id, id=entry.entity_id, action="undo"
    )


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict) and "$datetime" in value:
        return datetime.fromisoformat(value["$datetime"])
    if isinstance(value, dict) and "$date" in value:
        return date.fromisoformat(value["$date"])
    return value
