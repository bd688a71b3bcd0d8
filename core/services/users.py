"""Users and their identities on each channel."""

from __future__ import annotations

from sqlalchemy import select, update
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
            # One plain row, not two ORM objects: every command looks its user up.
            found = session.execute(
                select(User.id, User.timezone)
                .join(Identity, Identity.user_id == User.id)
                .where(Identity.channel == channel, Identity.external_id == external_id)
            ).first()
            if found is None:
                user = User(name=name, timezone=timezone)
                session.add(user)
                session.flush()
                session.add(Identity(user_id=user.id, channel=channel, external_id=external_id))
                return user.id
            if found.timezone != timezone:
                session.execute(update(User).where(User.id == found.id).values(timezone=timezone))
            return int(found.id)


def user_timezone(session: Session, user_id: int) -> str:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"No user #{user_id}.")
    return user.timezone
