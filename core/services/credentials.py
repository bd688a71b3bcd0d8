"""Secrets of connections (OAuth tokens, passwords), only ever stored sealed by the vault.

Each value is sealed with associated data naming its connection and kind, so a sealed blob
copied onto another row does not open. Callers get the secret as a dict and never see the
vault; nothing here logs or formats a secret.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import NotFound
from core.models import Credential
from core.ports import TokenVault


def bound_to(connection_id: int, kind: str) -> str:
    return f"credentials/{connection_id}/{kind}"


class Credentials:
    def __init__(self, db: Database, vault: TokenVault) -> None:
        self.db = db
        self.vault = vault

    def store(
        self,
        session: Session,
        connection_id: int,
        kind: str,
        secret: dict[str, Any],
        expires_at: datetime | None = None,
    ) -> None:
        """Seal and upsert, inside the caller's transaction (so a rotated refresh token and
        the state that depends on it commit together)."""
        sealed = self.vault.seal(json.dumps(secret).encode(), bound_to(connection_id, kind))
        row = _row(session, connection_id, kind)
        if row is None:
            row = Credential(connection_id=connection_id, kind=kind)
            session.add(row)
        row.sealed, row.key_id, row.expires_at = sealed, _key_id(sealed), expires_at
        session.flush()

    def read(self, session: Session, connection_id: int, kind: str) -> dict[str, Any]:
        row = _row(session, connection_id, kind)
        if row is None:
            raise NotFound(f"Connection {connection_id} has no stored {kind} credential.")
        opened: dict[str, Any] = json.loads(
            self.vault.open(row.sealed, bound_to(connection_id, kind))
        )
        return opened

    def rotate(self) -> int:
        """Re-seal every credential with the vault's newest key, all in one transaction."""
        with self.db.transaction() as session:
            rows = list(session.scalars(select(Credential).with_for_update()))
            for row in rows:
                place = bound_to(row.connection_id, row.kind)
                row.sealed = self.vault.seal(self.vault.open(row.sealed, place), place)
                row.key_id = _key_id(row.sealed)
            return len(rows)


def _row(session: Session, connection_id: int, kind: str) -> Credential | None:
    query = select(Credential).where(
        Credential.connection_id == connection_id, Credential.kind == kind
    )
    return session.scalars(query).first()


def _key_id(sealed: bytes) -> str:
    return sealed.partition(b":")[0].decode(errors="replace")
