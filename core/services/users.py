"""Users and their identities on each channel."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import NotFound
from core.models import Identity, User


class UserService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def ensure(self, channel: str, external_id: str, name: str, timezone: str) -> int:
        """The id of the user behind an identity, creating both on first sight.

        The zone given wins: for the local CLI user it comes from the settings.
        """
        with self.db.transaction() as session:
            identity = session.scalars(
                select(Identity).where(
                    Identity.channel == channel, Identity.external_id == external_id
                )
            ).first()
            if identity is None:
                user = User(name=name, timezone=timezone)
                session.add(user)
                session.flush()
                session.add(Identity(user_id=user.id, channel=channel, external_id=external_id))
                return user.id
            user = session.get_one(User, identity.user_id)
            if user.timezone != timezone:
                user.timezone = timezone
            return user.id


def user_timezone(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user #{user_id}.")
    return user.timezone
