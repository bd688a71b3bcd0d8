"""Named leases with an expiry: how exactly one scheduler process leads at a time."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from core.db import Database
from core.models import Lease
from core.ports import Clock


def acquire(db: Database, clock: Clock, name: str, holder: str, ttl: timedelta) -> bool:
    """Take or renew lease `name` for `holder`; False while someone else holds a live one.

    One conditional UPDATE (or the INSERT of a new row) decides, so two contenders can never
    both win: the database serialises them.
    """
    now = clock.now()
    with db.transaction() as session:
        renewed = session.scalars(
            update(Lease)
            .where(Lease.name == name, (Lease.holder == holder) | (Lease.expires_at < now))
            .values(holder=holder, expires_at=now + ttl)
            .returning(Lease.name)
        ).first()
        if renewed is not None:
            return True
        if session.get(Lease, name) is not None:
            return False
    try:
        with db.transaction() as session:
            session.add(Lease(name=name, holder=holder, expires_at=now + ttl))
    except IntegrityError:
        return False
    return True


def release(db: Database, name: str, holder: str) -> None:
    with db.transaction() as session:
        lease = session.get(Lease, name)
        if lease is not None and lease.holder == holder:
            session.delete(lease)
