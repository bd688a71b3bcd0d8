"""Who a chat account is: onboarding policies, one-time linking codes, handled updates.

A chat identity (a Telegram or Slack user id) acts for exactly one user. It gets one by
signing up (when the policy allows it) or by redeeming a code its owner made with
`aurelius link telegram`, so nobody can claim another person's account by knowing an id.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from core.db import Database
from core.errors import Invalid, PermissionDenied
from core.models import Identity, InboundUpdate, LinkCode, User
from core.ports import Clock

OPEN, INVITE, ALLOWLIST = "open", "invite", "allowlist"
POLICIES = (OPEN, INVITE, ALLOWLIST)
CODE_TTL = timedelta(minutes=15)
# No 0/O or 1/I/L: codes are read off one screen and typed on a phone.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
UPDATE_MEMORY = timedelta(days=2)  # platforms stop redelivering long before this


@dataclass(frozen=True)
class Onboarding:
    """Who may sign up from a chat: anyone (open), nobody without a code (invite), or
    the listed external ids (allowlist)."""

    policy: str = OPEN
    allowed: frozenset[str] = field(default_factory=frozenset)

    def admits(self, external_id: str) -> bool:
        return self.policy == OPEN or (self.policy == ALLOWLIST and external_id in self.allowed)


class LinkService:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    def user_for(self, channel: str, external_id: str) -> int | None:
        """The user an identity acts for, or None for someone never seen or linked."""
        with self.db.transaction() as session:
            return session.scalar(
                select(Identity.user_id).where(
                    Identity.channel == channel, Identity.external_id == external_id
                )
            )

    def sign_up(
        self, channel: str, external_id: str, name: str, timezone: str, onboarding: Onboarding
    ) -> int:
        """The user behind an identity, created when the policy lets this person in."""
        known = self.user_for(channel, external_id)
        if known is not None:
            return known
        if not onboarding.admits(external_id):
            raise PermissionDenied(
                "This Aurelius is invite-only. Ask its owner for a code "
                "(`aurelius link " + channel + "`) and send /link CODE."
            )
        with self.db.transaction() as session:
            user = User(name=name or channel, timezone=timezone)
            session.add(user)
            session.flush()
            session.add(Identity(user_id=user.id, channel=channel, external_id=external_id))
            return user.id

    def issue(self, user_id: int, channel: str) -> str:
        """A one-time code that links a `channel` identity to `user_id` for 15 minutes."""
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        with self.db.transaction() as session:
            session.add(
                LinkCode(
                    code=code,
                    user_id=user_id,
                    channel=channel,
                    expires_at=self.clock.now() + CODE_TTL,
                )
            )
        return code

    def redeem(self, channel: str, external_id: str, code: str) -> int:
        """Link the identity to the code's user (moving it from any account it had)."""
        now = self.clock.now()
        with self.db.transaction() as session:
            row = session.scalar(
                select(LinkCode).where(
                    LinkCode.code == code.strip().upper(), LinkCode.channel == channel
                )
            )
            if row is None or row.used_at is not None or row.expires_at <= now:
                raise Invalid(
                    "That code is unknown, used or expired. "
                    f"Make a new one with `aurelius link {channel}`."
                )
            row.used_at = now
            identity = session.scalar(
                select(Identity).where(
                    Identity.channel == channel, Identity.external_id == external_id
                )
            )
            if identity is None:
                session.add(Identity(user_id=row.user_id, channel=channel, external_id=external_id))
            else:
                identity.user_id = row.user_id
            return row.user_id

    def first_time(self, source: str, key: str) -> bool:
        """True the first time an update is seen; False for a redelivery of it."""
        try:
            with self.db.transaction() as session:
                session.add(InboundUpdate(source=source, key=key[:100]))
        except IntegrityError:
            return False
        return True

    def forget_old_updates(self) -> int:
        with self.db.transaction() as session:
            result = session.execute(
                delete(InboundUpdate).where(
                    InboundUpdate.created_at < self.clock.now() - UPDATE_MEMORY
                )
            )
            return int(getattr(result, "rowcount", 0) or 0)
