"""OAuth `state` values: signed, bound to one user, provider and flow, valid for ten minutes
and redeemable once. A sign-in (`flow="signin"`) starts before anyone is signed in: its
state belongs to no user (`user_id=None`) and the OpenID Connect nonce is derived from it.

A state is `nonce.signature`. The signature is an AES-GCM tag made by the vault over an empty
plaintext with the row's facts as associated data, so it is a MAC under the vault's key (and
survives key rotation like any sealed value). The row remembers the PKCE verifier, sealed, so
the verifier never travels through the browser.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from core.db import Database
from core.errors import Invalid
from core.models import OAuthState
from core.ports import Clock, TokenVault

LIFETIME = timedelta(minutes=10)
FORGED = "That sign-in answer was not started by Aurelius (unknown state); nothing was saved."


@dataclass(frozen=True)
class Attempt:
    """A redeemed state: the sign-in it belongs to."""

    user_id: int | None  # None: a sign-in, nobody is signed in yet
    provider: str
    redirect_uri: str
    verifier: str | None
    reply_to: str | None
    nonce: str = ""

    def owner(self) -> int:
        """The user a connection flow links the account to (a sign-in state has none)."""
        if self.user_id is None:
            raise Invalid(FORGED)
        return self.user_id

    @property
    def oidc_nonce(self) -> str:
        return oidc_nonce(self.nonce)


class OAuthStates:
    def __init__(self, db: Database, vault: TokenVault, clock: Clock) -> None:
        self.db, self.vault, self.clock = db, vault, clock

    def issue(
        self,
        user_id: int | None,
        provider: str,
        flow: str,
        redirect_uri: str = "",
        verifier: str | None = None,
        reply_to: str | None = None,
    ) -> str:
        now, nonce = self.clock.now(), secrets.token_urlsafe(24)
        row = OAuthState(
            nonce=nonce, user_id=user_id, provider=provider, flow=flow,
            redirect_uri=redirect_uri, reply_to=reply_to, expires_at=now + LIFETIME,
        )
        if verifier is not None:
            row.sealed_verifier = self.vault.seal(verifier.encode(), f"oauth-verifier/{nonce}")
        with self.db.transaction() as session:
            # Attempts nobody finished are kept a day (a late answer is told "expired").
            session.execute(delete(OAuthState).where(OAuthState.expires_at < now - timedelta(1)))
            session.add(row)
        return f"{nonce}.{_text(self.vault.seal(b'', _signed(row)))}"

    def redeem(self, state: str, provider: str, flow: str) -> Attempt:
        """The attempt behind `state`, marked used; `Invalid` (one line) when it is forged,
        for another provider or flow, expired or already used."""
        nonce, _, signature = state.partition(".")
        now = self.clock.now()
        with self.db.transaction() as session:
            row = session.scalars(select(OAuthState).where(OAuthState.nonce == nonce)).first()
            if row is None or not self._genuine(row, signature, provider, flow):
                raise Invalid(FORGED)
            if row.used_at is None and row.expires_at <= now:
                raise Invalid("That sign-in link expired (links last 10 minutes); start again.")
            won = session.execute(
                update(OAuthState)
                .where(OAuthState.id == row.id, OAuthState.used_at.is_(None))
                .values(used_at=now)
            )
            if not getattr(won, "rowcount", 0):
                raise Invalid("That sign-in link was already used; start again for a new one.")
            return Attempt(row.user_id, row.provider, row.redirect_uri, self._verifier(row),
                           row.reply_to, row.nonce)

    def _genuine(self, row: OAuthState, signature: str, provider: str, flow: str) -> bool:
        from core.errors import ConfigError

        if (row.provider, row.flow) != (provider, flow):
            return False
        try:
            self.vault.open(base64.urlsafe_b64decode(signature + "=" * (-len(signature) % 4)),
                            _signed(row))
        except (ConfigError, binascii.Error, ValueError):
            return False
        return True

    def _verifier(self, row: OAuthState) -> str | None:
        if row.sealed_verifier is None:
            return None
        return self.vault.open(row.sealed_verifier, f"oauth-verifier/{row.nonce}").decode()


def oidc_nonce(state: str) -> str:
    """The OpenID Connect `nonce` of a sign-in: a hash of its state's nonce, so the id_token
    is bound to this one attempt without storing anything more."""
    nonce = state.partition(".")[0]
    return base64.urlsafe_b64encode(hashlib.sha256(f"oidc/{nonce}".encode()).digest()
                                    ).decode().rstrip("=")


def _signed(row: OAuthState) -> str:
    expires: datetime = row.expires_at
    owner = "" if row.user_id is None else row.user_id
    return (f"oauth-state/{row.nonce}/{owner}/{row.provider}/{row.flow}/"
            f"{row.redirect_uri}/{row.reply_to or ''}/{int(expires.timestamp())}")


def _text(sealed: bytes) -> str:
    return base64.urlsafe_b64encode(sealed).decode().rstrip("=")
