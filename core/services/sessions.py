"""Session families: what keeps a browser or an app signed in after an OpenID Connect
sign-in.

A family is one sign-in on one device. It hands out opaque refresh tokens (stored as a
sha256, valid 7 days), each good for ONE refresh: `rotate` marks it used and issues the
next. A used token presented again means it was copied (the thief or the owner rotated it
first), so the whole family is revoked and the security log says so; both parties must sign
in again. Short-lived access tokens (JWTs) name the family in `sid`, and `holder` lets them
work only while the family and its user are live.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from core.db import Database
from core.errors import Invalid
from core.models import AuthSession, RefreshToken, User
from core.ports import Clock
from core.services.api_tokens import digest
from core.services.security_log import write

REFRESH_LIFETIME = timedelta(days=7)
REFRESH_PREFIX = "rt_"
SIGN_IN_AGAIN = "Your session ended; sign in again."


class RefreshRefused(Invalid):
    """A refresh token that is unknown, expired, reused or of an ended session."""


@dataclass(frozen=True)
class Opened:
    """A live family and its newest refresh token (shown to the client once)."""

    session_id: str
    user_id: int
    role: str
    refresh_token: str
    refresh_expires_at: datetime


class SessionFamilies:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db, self.clock = db, clock

    def open(self, user_id: int, provider: str, ip: str | None = None) -> Opened:
        with self.db.transaction() as session:
            family = AuthSession(id=secrets.token_hex(16), user_id=user_id, provider=provider,
                                 ip=ip, created_at=self.clock.now())
            session.add(family)
            session.flush()
            return self._next(session, family)

    def rotate(self, refresh_token: str, ip: str | None = None,
               request_id: str | None = None) -> Opened:
        """The next token of the family; RefreshRefused otherwise (reuse revokes the family
        first, and that revocation is committed)."""
        with self.db.transaction() as session:
            found = session.execute(
                select(RefreshToken, AuthSession, User)
                .join(AuthSession, AuthSession.id == RefreshToken.session_id)
                .join(User, User.id == AuthSession.user_id)
                .where(RefreshToken.token_hash == digest(refresh_token))
            ).first()  # fmt: skip
            reused = found is not None and found[0].used_at is not None
            if reused and found is not None and found[1].revoked_at is None:
                self._revoke(session, found[1], "refresh token reused")
                write(session, self.clock.now(), "refresh.reuse", user_id=found[2].id, ip=ip,
                      request_id=request_id, detail={"session": found[1].id})
            elif found is not None and self._usable(*found):
                found[0].used_at = self.clock.now()
                return self._next(session, found[1])
        raise RefreshRefused(SIGN_IN_AGAIN)

    def close(self, *, session_id: str | None = None, refresh_token: str | None = None
              ) -> int | None:
        """Sign-out: revoke the family named by either; its user id, or None if unknown."""
        with self.db.transaction() as session:
            family = session.get(AuthSession, session_id) if session_id else None
            if family is None and refresh_token:
                family = session.scalars(
                    select(AuthSession).join(RefreshToken)
                    .where(RefreshToken.token_hash == digest(refresh_token))
                ).first()  # fmt: skip
            if family is None:
                return None
            if family.revoked_at is None:
                self._revoke(session, family, "signed out")
            return family.user_id

    def holder(self, session_id: str, user_id: int) -> str | None:
        """The user's current role while the family is live and the user enabled, else None."""
        with self.db.transaction() as session:
            role = session.scalars(
                select(User.role).join(AuthSession, AuthSession.user_id == User.id)
                .where(AuthSession.id == session_id, User.id == user_id,
                       AuthSession.revoked_at.is_(None), User.disabled_at.is_(None))
            ).first()  # fmt: skip
            return str(role) if role else None

    def _usable(self, token: RefreshToken, family: AuthSession, user: User) -> bool:
        live = family.revoked_at is None and user.disabled_at is None
        return live and token.expires_at > self.clock.now()

    def _next(self, session: Session, family: AuthSession) -> Opened:
        secret = REFRESH_PREFIX + secrets.token_urlsafe(32)
        expires = self.clock.now() + REFRESH_LIFETIME
        session.add(RefreshToken(session_id=family.id, token_hash=digest(secret),
                                 expires_at=expires, created_at=self.clock.now()))
        role = session.scalars(select(User.role).where(User.id == family.user_id)).one()
        return Opened(family.id, family.user_id, role, secret, expires)

    def _revoke(self, session: Session, family: AuthSession, reason: str) -> None:
        session.execute(
            update(AuthSession).where(AuthSession.id == family.id)
            .values(revoked_at=self.clock.now(), revoked_reason=reason)
        )  # fmt: skip
