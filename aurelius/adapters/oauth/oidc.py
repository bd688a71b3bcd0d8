"""Signing in to Aurelius with Google or Microsoft (OpenID Connect, code flow with PKCE).

`start` hands out the provider's page with a one-time signed state that belongs to nobody
yet (flow `signin`) and a `nonce` derived from it; `finish` redeems the state, swaps the
code for tokens and reads who signed in from the id_token, verified here: RS256 only, the
signature against the provider's published keys (JWKS), `iss`, `aud` (our client id),
`exp` and the nonce. With no id_token in the answer, the provider's userinfo endpoint says
who it is (over the TLS channel the token came through). The provider's tokens are then
dropped: signing in stores no provider secret.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aurelius.adapters.oauth.flow import SignIn, states
from aurelius.adapters.oauth.http import lib, status_of
from core.errors import Invalid, ProviderUnavailable
from core.services.oauth_states import oidc_nonce

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import OAuth2Client

SCOPES = ["openid", "email", "profile"]
ALGORITHMS = ["RS256"]
SKEW_SECONDS = 60


@dataclass(frozen=True)
class Who:
    """The person the provider vouches for."""

    provider: str
    subject: str
    email: str | None
    email_verified: bool
    name: str
    next_path: str | None = None


class OidcSignIn(SignIn):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = SCOPES

    def begin(self, redirect_uri: str, next_path: str | None = None) -> str:
        from authlib.common.security import generate_token

        verifier = generate_token(64)
        state = states(self.services).issue(None, self.provider.name, "signin", redirect_uri,
                                            verifier, next_path)
        with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                self.provider.authorize_url, state=state, code_verifier=verifier,
                nonce=oidc_nonce(state), prompt="select_account",
            )
        return str(url)

    def identify(self, answer: dict[str, str]) -> Who:
        """`answer`: the callback's query. Invalid (one line) for anything but a verified
        answer to a sign-in Aurelius started."""
        attempt = states(self.services).redeem(answer.get("state", ""), self.provider.name,
                                               "signin")
        label = self.provider.label
        if answer.get("error") or not answer.get("code"):
            raise Invalid(f"{label} did not sign you in ({answer.get('error', 'no code')}); "
                          "start again.")
        with self._client(attempt.redirect_uri) as client:
            token = self._exchange(client, answer["code"], attempt.verifier or "")
            id_token = token.get("id_token")
            if id_token:
                claims = self._verified(client, str(id_token), attempt.oidc_nonce)
            else:
                claims = self._identity(client)
        return _who(self.provider.name, claims, attempt.reply_to)

    def _verified(self, client: OAuth2Client, id_token: str, nonce: str) -> dict[str, Any]:
        import jwt

        try:
            key = self._signing_key(client, jwt.get_unverified_header(id_token).get("kid"))
            claims: dict[str, Any] = jwt.decode(
                id_token, key, algorithms=ALGORITHMS, audience=self.provider.client_id,
                options={"require": ["iss", "aud", "exp", "sub"], "verify_exp": False,
                         "verify_iat": False, "verify_iss": False},
            )
        except jwt.PyJWTError as error:
            raise self._forged(type(error).__name__) from None
        self._check(claims, nonce)
        return claims

    def _check(self, claims: dict[str, Any], nonce: str) -> None:
        tenant = str(claims.get("tid", ""))
        if claims.get("iss") not in {i.format(tid=tenant) for i in self.provider.issuers}:
            raise self._forged("issuer")
        if float(claims["exp"]) + SKEW_SECONDS <= self.services.clock.now().timestamp():
            raise self._forged("expired")
        if claims.get("nonce") != nonce:
            raise self._forged("nonce")

    def _signing_key(self, client: OAuth2Client, kid: object) -> Any:
        import jwt

        try:
            response = client.get(self.provider.jwks_url)
        except lib().HTTPError as error:
            raise self._down(status_of(error)) from None
        if response.status_code != 200:
            raise self._down(f"HTTP {response.status_code}")
        for key in jwt.PyJWKSet.from_dict(response.json()).keys:
            if key.key_id == kid:
                return key.key
        raise self._forged("unknown signing key")

    def _forged(self, what: str) -> Invalid:
        return Invalid(f"{self.provider.label}'s sign-in answer did not verify ({what}); "
                       "nobody was signed in. Start again.")

    def _down(self, what: str) -> ProviderUnavailable:
        return ProviderUnavailable(f"{self.provider.label}'s signing keys could not be "
                                   f"fetched ({what}); nobody was signed in. Try again later.")


def _who(provider: str, claims: dict[str, Any], next_path: str | None) -> Who:
    subject = str(claims.get("sub") or claims.get("id") or "")
    if not subject:
        raise Invalid("The provider did not say who signed in; start again.")
    email = claims.get("email") or claims.get("mail")
    # Only an explicit yes counts: Microsoft's `email` is verified only with `xms_edov`.
    verified = claims.get("email_verified") is True or claims.get("xms_edov") is True
    name = str(claims.get("name") or claims.get("displayName") or "")
    return Who(provider, subject, str(email) if email else None, verified, name, next_path)
