"""Session access tokens: short JWTs (PyJWT, HS256 pinned) that say who is signed in.

Claims: `sub` (user id), `sid` (the session family), `role`, `iat`, `exp` (15 minutes) and
`jti`; the header names the key (`kid`). The key is `AURELIUS_JWT_SECRET` when set, else one
HMAC key derived from each key of the token vault's ring, so old tokens keep verifying for
their last minutes after a rotation. Only HS256 is accepted: `alg: none`, RS256 with a
public key as the secret and any other algorithm are refused before the signature is looked at.

Time comes from Aurelius's clock (not the machine's), like everything else.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aurelius.bootstrap import Services

ACCESS_LIFETIME = timedelta(minutes=15)
ALGORITHM = "HS256"
CLAIMS = ("sub", "sid", "role", "iat", "exp", "jti")
DERIVATION = b"aurelius/session-jwt"
SKEW_SECONDS = 30  # a token "issued" slightly in the future (clock drift) still counts


class BadSession(Exception):
    """A session token that does not verify: `reason` says why (never the token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Claims:
    user_id: int
    session_id: str
    role: str
    issued_at: int
    expires_at: int
    jti: str


@dataclass(frozen=True)
class Issued:
    token: str
    expires_at: datetime


class SessionTokens:
    def __init__(self, keys: dict[str, bytes], signing: str, now: Any) -> None:
        self.keys, self.signing, self.now = keys, signing, now

    def issue(self, user_id: int, session_id: str, role: str) -> Issued:
        import jwt

        now: datetime = self.now()
        expires = now + ACCESS_LIFETIME
        claims = {"sub": str(user_id), "sid": session_id, "role": role,
                  "iat": int(now.timestamp()), "exp": int(expires.timestamp()),
                  "jti": secrets.token_urlsafe(12)}
        token = jwt.encode(claims, self.keys[self.signing], ALGORITHM,
                           headers={"kid": self.signing})
        return Issued(token, expires)

    def verify(self, token: str) -> Claims:
        """The claims of a genuine, unexpired token; BadSession otherwise."""
        import jwt

        try:
            kid = jwt.get_unverified_header(token).get("kid")
            key = self.keys.get(kid) if isinstance(kid, str) else None
            if key is None:
                raise BadSession("signed with an unknown key")
            found = jwt.decode(token, key, algorithms=[ALGORITHM], options={
                "require": list(CLAIMS), "verify_exp": False, "verify_iat": False})
        except jwt.PyJWTError as error:
            raise BadSession(f"not a valid session token ({type(error).__name__})") from None
        return self._fresh(found)

    def _fresh(self, found: dict[str, Any]) -> Claims:
        now = self.now().timestamp()
        try:
            claims = Claims(int(found["sub"]), str(found["sid"]), str(found["role"]),
                            int(found["iat"]), int(found["exp"]), str(found["jti"]))
        except (TypeError, ValueError):
            raise BadSession("not a valid session token (claims)") from None
        if claims.expires_at <= now:
            raise BadSession("expired")
        if claims.issued_at > now + SKEW_SECONDS:
            raise BadSession("issued in the future")
        return claims


def session_tokens(services: Services) -> SessionTokens:
    """The signer/verifier for `services`' settings and key ring."""
    secret = services.settings.jwt_secret
    if secret is not None:
        value = secret.get_secret_value().encode()
        kid = "s-" + hashlib.sha256(b"kid/" + value).hexdigest()[:8]
        return SessionTokens({kid: value}, kid, services.clock.now)
    ring = _ring(services)
    keys = {kid: hmac.new(key, DERIVATION, hashlib.sha256).digest()
            for kid, key in ring.keys.items()}
    return SessionTokens(keys, ring.newest, services.clock.now)


def _ring(services: Services) -> Any:
    from aurelius.adapters.vault import KeyRing, key_ring

    vault = services.credentials.vault
    return vault if isinstance(vault, KeyRing) else key_ring(services.settings)


def issue(services: Services, user_id: int, session_id: str, role: str) -> Issued:
    return session_tokens(services).issue(user_id, session_id, role)


def verify(services: Services, token: str) -> Claims:
    return session_tokens(services).verify(token)
