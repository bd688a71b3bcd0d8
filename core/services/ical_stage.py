"""Writing a large import without starving other writers: stage in short batches, then swap.

Each batch of BATCH series is its own short transaction into the staging tables, which no
view reads; one final transaction moves everything into `events` with a few set-based
statements. The import stays all or nothing: until the swap commits, the calendar is as it
was, and a failed import's staged rows are discarded.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, insert, text
from sqlalchemy.orm import Session

from core.db import Database
from core.models import EventException, EventImportChange, EventImportRow
from core.models.base import UTCDateTime
from core.services.ical_read import Series

BATCH = 1000
COLUMNS = ("title", "start_at", "end_at", "timezone", "all_day", "location", "attendees",
           "notes", "recurrence", "rdates", "sequence", "source_hash")  # fmt: skip
CHANGE_COLUMNS = ("occurrence_start", "cancelled", "new_start", "new_end", "title", "location",
                  "notes", "all_day", "this_and_future")  # fmt: skip
_STAGED = "SELECT uid FROM event_import_rows WHERE import_id = :i"


def stage(db: Database, import_id: str, user_id: int, series: list[Series]) -> None:
    for first in range(0, len(series), BATCH):
        chunk = series[first : first + BATCH]
        with db.transaction() as session:
            session.execute(insert(EventImportRow), [_row(import_id, user_id, s) for s in chunk])
            changes = [_change(import_id, s.event.uid, c) for s in chunk for c in s.changes]
            if changes:
                session.execute(insert(EventImportChange), changes)


def swap(session: Session, import_id: str, user_id: int, now: datetime) -> None:
    """Staged series replace the stored ones with the same UID; the rest are added."""
    columns = ", ".join(COLUMNS)
    changes = ", ".join(CHANGE_COLUMNS)
    local = "user_id = :u AND calendar_id IS NULL"  # a linked calendar's events are its own
    for statement in (
        f"DELETE FROM event_exceptions WHERE event_id IN "
        f"(SELECT id FROM events WHERE {local} AND uid IN ({_STAGED}))",
        f"UPDATE events SET ({columns}, updated_at) = (SELECT {columns}, :now "
        f"FROM event_import_rows s WHERE s.import_id = :i AND s.uid = events.uid) "
        f"WHERE {local} AND uid IN ({_STAGED})",
        f"INSERT INTO events (user_id, uid, {columns}, created_at, updated_at) "
        f"SELECT user_id, uid, {columns}, :now, :now FROM event_import_rows s "
        f"WHERE s.import_id = :i AND s.uid NOT IN (SELECT uid FROM events WHERE {local})",
        f"INSERT INTO event_exceptions (event_id, {changes}) "
        f"SELECT e.id, {', '.join('c.' + name for name in CHANGE_COLUMNS)} "
        f"FROM event_import_changes c JOIN events e ON e.uid = c.uid AND e.user_id = :u "
        f"AND e.calendar_id IS NULL WHERE c.import_id = :i",
    ):
        query = text(statement)
        params: dict[str, object] = {"i": import_id, "u": user_id}
        if ":now" in statement:
            query = query.bindparams(bindparam("now", type_=UTCDateTime()))
            params["now"] = now
        session.execute(query, params)
    discard_in(session, import_id)


def discard(db: Database, import_id: str) -> None:
    with db.transaction() as session:
        discard_in(session, import_id)


def discard_in(session: Session, import_id: str) -> None:
    session.execute(delete(EventImportRow).where(EventImportRow.import_id == import_id))
    session.execute(delete(EventImportChange).where(EventImportChange.import_id == import_id))


def _row(import_id: str, user_id: int, series: Series) -> dict[str, object]:
    values = {name: getattr(series.event, name) for name in COLUMNS}
    values.update(import_id=import_id, user_id=user_id, uid=series.event.uid)
    values["source_hash"] = series.digest
    values["sequence"] = series.event.sequence or 0
    return values


def _change(import_id: str, uid: str, change: EventException) -> dict[str, object]:
    values = {name: getattr(change, name) for name in CHANGE_COLUMNS}
    values.update(import_id=import_id, uid=uid, this_and_future=bool(change.this_and_future))
    return values
