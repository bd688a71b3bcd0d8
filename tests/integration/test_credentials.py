"""Credentials are sealed per row, never stored in plaintext, and re-sealed by a rotation."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from aurelius.adapters.vault import KeyRing, VaultError, new_key_entry, parse_keys
from aurelius.bootstrap import Services
from core.models import Connection, Credential
from core.services.credentials import Credentials

SECRET = {"access_token": "ya29.plain-access", "refresh_token": "1//plain-refresh"}


def _connection(services: Services, user_id: int, account: str) -> int:
    with services.db.transaction() as session:
        row = Connection(user_id=user_id, provider="google", account_id=account, scopes=[])
        session.add(row)
        session.flush()
        return row.id


def test_secrets_are_sealed_bound_to_their_row_and_rotated(
    services: Services, user_id: int
) -> None:
    old, new = new_key_entry("old"), new_key_entry("new")
    store = Credentials(services.db, KeyRing(lambda: parse_keys(old)))
    first, second = (_connection(services, user_id, a) for a in ("a", "b"))
    with services.db.transaction() as session:
        store.store(session, first, "oauth", SECRET)
        store.store(session, second, "oauth", {"access_token": "other"})
    with services.db.transaction() as session:
        dump = " ".join(
            str(v) for row in session.execute(text("SELECT * FROM credentials")) for v in row
        )
        assert "plain-access" not in dump and "plain-refresh" not in dump
        assert store.read(session, first, "oauth") == SECRET
        # A blob copied onto another row does not open there.
        rows = {r.connection_id: r for r in session.scalars(select(Credential))}
        rows[second].sealed = rows[first].sealed
    with services.db.transaction() as session, pytest.raises(VaultError):
        store.read(session, second, "oauth")

    ring = KeyRing(lambda: parse_keys(f"{new},{old}"))
    rotated = Credentials(services.db, ring)
    with pytest.raises(VaultError):  # one value that does not open stops the whole rotation
        rotated.rotate()
    assert _key_ids(services) == {"old"}
    with services.db.transaction() as session:
        store.store(session, second, "oauth", {"access_token": "other"})
    assert rotated.rotate() == 2
    assert _key_ids(services) == {"new"}
    with services.db.transaction() as session:
        assert rotated.read(session, first, "oauth") == SECRET
        only_new = Credentials(services.db, KeyRing(lambda: parse_keys(new)))
        assert only_new.read(session, second, "oauth") == {"access_token": "other"}


def _key_ids(services: Services) -> set[str]:
    with services.db.transaction() as session:
        return set(session.scalars(select(Credential.key_id)))
