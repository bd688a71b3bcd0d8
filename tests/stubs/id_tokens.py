"""OpenID Connect id_tokens as Google and Microsoft issue them: RS256 JWTs signed with a key
the stand-in publishes as a JWKS (RFC 7517), carrying `iss`, `aud` (the client id), `sub`,
`email`, `email_verified`, `name`, `nonce`, `iat` and `exp` (OpenID Connect Core §2).

`IdTokenIssuer.flaw` makes the next tokens wrong in one way, for tests of the checks:
`wrong_key` (signed by a key not in the JWKS), `audience`, `issuer`, `expired`, `nonce`,
or `omit` (no id_token at all: Aurelius falls back to userinfo).
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.stubs.provider import Request, Response

LIFETIME = 3600


@cache
def _key(name: str) -> rsa.RSAPrivateKey:
    """One RSA key per name for the whole test run (generating one takes ~50 ms)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class IdTokenIssuer:
    issuer: str = ""
    kid: str = field(default_factory=lambda: f"stand-{secrets.token_hex(4)}")
    now: Callable[[], float] = time.time
    flaw: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. Microsoft's `tid`

    def jwks(self, _request: Request) -> Response:
        public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(_key("good").public_key()))
        return Response(200, {"keys": [public | {"kid": self.kid, "use": "sig",
                                                 "alg": "RS256"}]})

    def token(self, audience: str, subject: str, email: str, verified: bool, name: str,
              nonce: str) -> str | None:
        if self.flaw == "omit":
            return None
        now = int(self.now())
        claims = {
            "iss": self.issuer + ("/elsewhere" if self.flaw == "issuer" else ""),
            "aud": "someone-else" if self.flaw == "audience" else audience,
            "sub": subject, "email": email, "email_verified": verified, "name": name,
            "nonce": "replayed" if self.flaw == "nonce" else nonce,
            "iat": now - (2 * LIFETIME if self.flaw == "expired" else 0),
            "exp": now + (-LIFETIME if self.flaw == "expired" else LIFETIME),
        } | self.extra
        key = _key("stolen" if self.flaw == "wrong_key" else "good")
        return jwt.encode(claims, key, "RS256", headers={"kid": self.kid})
