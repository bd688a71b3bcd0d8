"""One sign-in: `start` hands out the provider's consent URL (code flow, PKCE S256, a signed
one-time state); `finish` redeems the state, swaps the code for tokens, asks the provider who
signed in and links the account, sealing the tokens in the same transaction.

Everything that can go wrong on the way (consent denied, a forged, expired or reused state,
a token endpoint that errors) ends as one line and saves nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aurelius.adapters.oauth.http import lib, oauth_client, status_of
from aurelius.adapters.oauth.providers import Provider, provider
from core.errors import Invalid, ProviderUnavailable
from core.services.connections import Link
from core.services.oauth_states import OAuthStates

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import OAuth2Client

    from aurelius.bootstrap import Services


@dataclass(frozen=True)
class Linked:
    user_id: int
    connection_id: int
    account: str
    reply_to: str | None


def states(services: Services) -> OAuthStates:
    return OAuthStates(services.db, services.credentials.vault, services.clock)


class SignIn:
    def __init__(
        self,
        services: Services,
        name: str,
        features: tuple[str, ...] = ("calendar",),
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.services, self.provider = services, provider(services.settings, name)
        self.scopes, self.sleep = self.provider.scopes(features), sleep

    def start(self, user_id: int, redirect_uri: str, flow: str, reply_to: str | None = None
              ) -> str:
        from authlib.common.security import generate_token

        verifier = generate_token(64)
        state = states(self.services).issue(
            user_id, self.provider.name, flow, redirect_uri, verifier, reply_to
        )
        with self._client(redirect_uri) as client:
            url, _ = client.create_authorization_url(
                self.provider.authorize_url, state=state, code_verifier=verifier,
                **self.provider.authorize_params,
            )
        return str(url)

    def finish(self, flow: str, answer: dict[str, str]) -> Linked:
        """`answer`: the query the provider redirected back with (code + state, or error)."""
        attempt = states(self.services).redeem(answer.get("state", ""), self.provider.name, flow)
        label = self.provider.label
        if answer.get("error") == "access_denied":
            raise Invalid(f"{label} consent was denied in the browser; nothing was connected.")
        if answer.get("error") or not answer.get("code"):
            raise Invalid(f"{label} did not sign you in ({answer.get('error', 'no code')}); "
                          "nothing was connected.")
        with self._client(attempt.redirect_uri) as client:
            token = self._exchange(client, answer["code"], attempt.verifier or "")
            who = self._identity(client)
        link = self._link(token, who)
        connection_id = self.services.connections.link(attempt.owner(), link)
        return Linked(attempt.owner(), connection_id, link.account_email or link.account_id,
                      attempt.reply_to)

    def _client(self, redirect_uri: str) -> OAuth2Client:
        return oauth_client(self.provider, self.sleep, scope=" ".join(self.scopes),
                            redirect_uri=redirect_uri)

    def _exchange(self, client: OAuth2Client, code: str, verifier: str) -> dict[str, Any]:
        from authlib.integrations.base_client.errors import OAuthError

        try:
            return token_call(self.provider, lambda: client.fetch_token(
                self.provider.token_url, grant_type="authorization_code", code=code,
                code_verifier=verifier,
            ))
        except OAuthError as error:
            raise Invalid(f"{self.provider.label} refused the sign-in ({error.error}); "
                          "nothing was connected. Start again.") from None

    def _identity(self, client: OAuth2Client) -> dict[str, Any]:
        try:
            response = client.get(self.provider.userinfo_url)
        except lib().HTTPError as error:
            raise _unavailable(self.provider, status_of(error)) from None
        if response.status_code != 200:
            raise _unavailable(self.provider, f"HTTP {response.status_code}")
        found: dict[str, Any] = response.json()
        return found

    def _link(self, token: dict[str, Any], who: dict[str, Any]) -> Link:
        account = str(who.get("sub") or who.get("id") or "")
        if not account:
            raise _unavailable(self.provider, "no account id")
        email = who.get("email") or who.get("mail") or who.get("userPrincipalName")
        granted = str(token.get("scope") or " ".join(self.scopes)).split()
        return Link(
            provider=self.provider.name, account_id=account, account_email=email,
            scopes=granted, secret_kind="oauth", secret=secret_of(token),
            expires_at=self.services.clock.now() + timedelta(seconds=_lifetime(token)),
        )


def token_call(provider: Provider, call: Callable[[], Any]) -> dict[str, Any]:
    """The token endpoint's answer; its errors as one line (`OAuthError` keeps its code)."""
    from authlib.integrations.base_client.errors import OAuthError

    try:
        return dict(call())
    except OAuthError:
        raise
    except lib().HTTPError as error:
        raise _unavailable(provider, status_of(error)) from None


def secret_of(token: dict[str, Any], previous: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the vault keeps; a refresh answer without a refresh token keeps the old one."""
    kept = {k: token[k] for k in ("access_token", "refresh_token", "token_type", "scope")
            if token.get(k)}
    if previous and "refresh_token" not in kept and previous.get("refresh_token"):
        kept["refresh_token"] = previous["refresh_token"]
    return kept


def _lifetime(token: dict[str, Any]) -> int:
    try:
        return max(0, int(token.get("expires_in") or 3600))
    except (TypeError, ValueError):
        return 3600


def _unavailable(provider: Provider, what: str) -> ProviderUnavailable:
    return ProviderUnavailable(
        f"{provider.label} sign-in failed ({what}); nothing was connected. Try again later."
    )
