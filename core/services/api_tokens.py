"""API tokens for scripts and phone shortcuts: created (shown once), listed, revoked, and
checked on every API request."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from core.db import Database
from core.errors import Invalid, NotFound
from core.models import ApiToken, User
from core.models.api_token import SCOPES
from core.ports import Clock
from core.services.views import _Json

PREFIX = "aur_"
# Writing last_used_at on every request would make each read a write: once a minute is enough.
TOUCH_EVERY_SECONDS = 60


@dataclass(frozen=True)
class TokenView(_Json):
    id: int
    name: str
    prefix: str
    scopes: list[str] = field(default_factory=list)
    expires_at: datetime | None = None
    last_used_at: datetime | None = None
    revoked: bool = False
    created_at: datetime | None = None


@dataclass(frozen=True)
class TokenHolder:
    """Who a valid token acts for."""

    token_id: int
    user_id: int
    role: str
    scopes: frozenset[str]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_scopes(scopes: list[str]) -> list[str]:
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        raise Invalid(f"Unknown scope {', '.join(unknown)}; the scopes are: {', '.join(SCOPES)}.")
    return sorted(set(scopes))


class ApiTokens:
    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    def create(
        self, user_id: int, name: str, scopes: list[str], expires_at: datetime | None = None
    ) -> tuple[TokenView, str]:
        """A new token; the secret is returned here and never again."""
        if not name.strip():
            raise Invalid("Give the token a name, e.g. \"phone shortcuts\".")
        chosen = check_scopes(scopes or [s for s in SCOPES if s != "admin"])
        secret = PREFIX + secrets.token_urlsafe(32)
        with self.db.transaction() as session:
            row = ApiToken(
                user_id=user_id, name=name.strip(), token_hash=digest(secret),
                prefix=secret[:12], scopes=chosen, expires_at=expires_at,
            )  # fmt: skip
            session.add(row)
            session.flush()
            return _view(row), secret

    def list(self, user_id: int) -> list[TokenView]:
        with self.db.transaction() as session:
            rows = session.scalars(
                select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
            )
            return [_view(row) for row in rows]

    def revoke(self, user_id: int, token_id: int) -> TokenView:
        with self.db.transaction() as session:
            row = session.get(ApiToken, token_id)
            if row is None or row.user_id != user_id:
                raise NotFound(f"No API token #{token_id}; `aurelius token list` shows yours.")
            row.revoked_at = row.revoked_at or self.clock.now()
            return _view(row)

    def holder(self, token: str) -> TokenHolder | None:
        """The holder of a live token (not revoked, not expired, user not disabled), else None."""
        if not token.startswith(PREFIX):
            return None
        now = self.clock.now()
        with self.db.transaction() as session:
            found = session.execute(
                select(ApiToken, User).join(User, User.id == ApiToken.user_id)
                .where(ApiToken.token_hash == digest(token))
            ).first()  # fmt: skip
            if found is None:
                return None
            row, user = found
            if row.revoked_at or user.disabled_at or (row.expires_at and row.expires_at <= now):
                return None
            last = row.last_used_at
            if last is None or (now - last).total_seconds() >= TOUCH_EVERY_SECONDS:
                row.last_used_at = now
            return TokenHolder(row.id, row.user_id, user.role, frozenset(row.scopes))


def _view(row: ApiToken) -> TokenView:
    return TokenView(
        id=row.id, name=row.name, prefix=row.prefix, scopes=list(row.scopes),
        expires_at=row.expires_at, last_used_at=row.last_used_at,
        revoked=row.revoked_at is not None, created_at=row.created_at,
    )  # fmt: skip
