"""Telling a person that a calendar change of theirs was not sent (the provider's copy had
changed and won): a delivery on their first channel, retried like any other."""

from __future__ import annotations

import hashlib

from core.db import Database
from core.ports import Address, Clock
from core.services import delivery_rows as rows_
from core.services.channels import DEFAULT


class ConflictNotes:
    def __init__(self, db: Database, clock: Clock, defaults: tuple[Address, ...] = (DEFAULT,)):
        self.db, self.clock, self.defaults = db, clock, defaults

    def __call__(self, user_id: int, message: str) -> None:
        now = self.clock.now()
        digest = hashlib.sha256(message.encode()).hexdigest()[:16]
        with self.db.transaction() as session:
            rows_.note_first_channel(
                session, "conflict", f"sync-conflict:{user_id}:{now.isoformat()}:{digest}",
                user_id, now, "A calendar change was not sent", message, self.defaults,
            )
