"""`OAuthTokens`: the access tokens of one Google or Microsoft connection, for its adapters.

The access token is refreshed `AHEAD` of its expiry (`Credential.expires_at`, readable
without opening the vault). A refresh runs inside one transaction that first writes the
credential row (a row lock on PostgreSQL, the write lock on SQLite), so two workers never
spend the same refresh token: the second waits, then finds the token fresh. A rotated
refresh token (Microsoft sends a new one every time) is stored with its access token or
not at all.

`invalid_grant` (revoked consent, expired or rotated-away refresh token) marks the
connection `needs_reauth`, tells the person once, and raises `AuthExpired`.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from aurelius.adapters.oauth.flow import secret_of, token_call
from aurelius.adapters.oauth.http import oauth_client
from aurelius.adapters.oauth.providers import Provider, provider
from core.errors import AuthExpired
from core.models import Connection, Credential
from core.services.reauth import mark_needs_reauth

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from aurelius.bootstrap import Services

AHEAD = timedelta(minutes=5)
KIND = "oauth"


class OAuthTokens:
    def __init__(self, services: Services, connection_id: int) -> None:
        self.services, self.connection_id = services, connection_id

    def token(self) -> str:
        with self.services.db.transaction() as session:
            _, row = self._rows(session)
            if _fresh(row, self.services.clock.now()):
                return self._access(session)
        return self._refresh(force=False)

    def refreshed(self) -> str:
        return self._refresh(force=True)

    def _refresh(self, force: bool) -> str:
        from authlib.integrations.base_client.errors import OAuthError

        failure: OAuthError | None = None
        with self.services.db.transaction() as session:
            self._hold(session)
            connection, row = self._rows(session)
            now = self.services.clock.now()
            if not force and _fresh(row, now):  # another worker refreshed it meanwhile
                return self._access(session)
            secret = self.services.credentials.read(session, self.connection_id, KIND)
            configured = provider(self.services.settings, connection.provider)
            try:
                token = _refresh_grant(configured, secret)
            except OAuthError as error:
                failure = error
            else:
                self.services.credentials.store(
                    session, self.connection_id, KIND, secret_of(token, secret),
                    now + timedelta(seconds=int(token.get("expires_in") or 3600)),
                )
                return str(token["access_token"])
        return self._lapsed(configured, failure)

    def _lapsed(self, configured: Provider, error: Any) -> str:
        """The refresh was refused: record why (its own transaction) and stop."""
        code = getattr(error, "error", None) or "refused"
        reason = (f"{configured.label} refused the stored sign-in ({code}); reconnect with "
                  f"`aurelius connect {configured.name}`.")
        if code != "invalid_grant" and code != "invalid_client":
            reason = f"{configured.label} token refresh failed ({code})."
        with self.services.db.transaction() as session:
            connection, _ = self._rows(session)
            if code == "invalid_grant":
                mark_needs_reauth(session, connection, reason, self.services.clock.now(),
                                  self.services.deliveries.defaults)
            else:
                connection.last_error = reason
        raise AuthExpired(reason)

    def _hold(self, session: Session) -> None:
        """Take the lock before reading anything (a SQLite reader cannot become a writer
        once another writer has committed)."""
        session.execute(update(Credential).where(*self._mine()).values(kind=Credential.kind))

    def _mine(self) -> tuple[Any, Any]:
        return Credential.connection_id == self.connection_id, Credential.kind == KIND

    def _rows(self, session: Session) -> tuple[Connection, Credential]:
        connection = session.get(Connection, self.connection_id)
        row = session.scalars(select(Credential).where(*self._mine())).first()
        if connection is None or row is None:
            raise AuthExpired(f"Connection #{self.connection_id} has no sign-in any more.")
        if connection.status == "needs_reauth":
            raise AuthExpired(connection.last_error or "This connection needs to sign in again.")
        return connection, row

    def _access(self, session: Session) -> str:
        return str(self.services.credentials.read(session, self.connection_id, KIND)
                   ["access_token"])


def _fresh(row: Credential, now: datetime) -> bool:
    return row.expires_at is not None and row.expires_at - AHEAD > now


def _refresh_grant(configured: Provider, secret: dict[str, Any]) -> dict[str, Any]:
    from authlib.integrations.base_client.errors import OAuthError

    refresh = secret.get("refresh_token")
    if not refresh:
        raise OAuthError(error="invalid_grant", description="no refresh token stored")
    scope = secret.get("scope") or " ".join(configured.scopes())
    with oauth_client(configured, scope=scope) as client:
        return token_call(configured, lambda: client.refresh_token(
            configured.token_url, refresh_token=refresh))
