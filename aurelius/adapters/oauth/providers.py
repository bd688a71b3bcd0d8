"""Each provider's OAuth endpoints and least-privilege scopes.

`AURELIUS_GOOGLE_BASE_URL` / `AURELIUS_MICROSOFT_BASE_URL` replace every host of a provider
and keep the real paths, so one loopback stand-in (or a proxy) can play all of them.

Scopes are asked incrementally: `scopes(provider, features)` grows with what a command
needs (calendar now; `mail` adds the mail scopes later), and Google is told
`include_granted_scopes=true` so a new grant keeps the old ones.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from core.errors import ConfigError, Invalid

if TYPE_CHECKING:
    from aurelius.settings import Settings

OAUTH_PROVIDERS = ("google", "microsoft")
MULTI_TENANT = ("common", "organizations", "consumers")
FEATURE_SCOPES: dict[str, dict[str, tuple[str, ...]]] = {
    "google": {
        "identity": ("openid", "email"),
        "calendar": ("https://www.googleapis.com/auth/calendar",),
    },
    "microsoft": {
        # offline_access: a refresh token; User.Read: who signed in (`/me`).
        "identity": ("offline_access", "User.Read"),
        "calendar": ("Calendars.ReadWrite",),
    },
}


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    client_id: str
    client_secret: str | None = field(repr=False)
    authorize_url: str
    token_url: str
    userinfo_url: str
    revoke_url: str | None
    authorize_params: dict[str, str]
    # OpenID Connect sign-in: where the id_token's signing keys are, and who may issue it
    # (`{tid}` stands for the token's own tenant id on Microsoft's multi-tenant endpoints).
    jwks_url: str = ""
    issuers: tuple[str, ...] = ()

    def scopes(self, features: tuple[str, ...] = ("calendar",)) -> list[str]:
        wanted = FEATURE_SCOPES[self.name]
        return [scope for feature in ("identity", *features) for scope in wanted[feature]]


def provider(settings: Settings, name: str) -> Provider:
    """The configured provider `name`; one line naming the missing setting otherwise."""
    if name not in OAUTH_PROVIDERS:
        raise Invalid(f"Unknown provider {name!r}: use google or microsoft.")
    return _google(settings) if name == "google" else _microsoft(settings)


def _google(settings: Settings) -> Provider:
    base = settings.google_base_url
    accounts = base or "https://accounts.google.com"
    oauth2 = base or "https://oauth2.googleapis.com"
    oidc = base or "https://openidconnect.googleapis.com"
    return Provider(
        name="google",
        label="Google",
        client_id=_required(settings.google_client_id, "GOOGLE_CLIENT_ID"),
        client_secret=_secret(settings.google_client_secret),
        authorize_url=f"{accounts}/o/oauth2/v2/auth",
        token_url=f"{oauth2}/token",
        userinfo_url=f"{oidc}/v1/userinfo",
        revoke_url=f"{oauth2}/revoke",
        # offline + consent: Google hands out a refresh token only on a consented offline grant.
        authorize_params={
            "access_type": "offline", "prompt": "consent", "include_granted_scopes": "true",
        },
        jwks_url=f"{base or 'https://www.googleapis.com'}/oauth2/v3/certs",
        # Google documents both spellings of its issuer.
        issuers=(accounts,) if base else (accounts, "accounts.google.com"),
    )


def _microsoft(settings: Settings) -> Provider:
    login = settings.microsoft_base_url or "https://login.microsoftonline.com"
    graph = settings.microsoft_base_url or "https://graph.microsoft.com"
    tenant = settings.microsoft_tenant
    return Provider(
        name="microsoft",
        label="Microsoft",
        client_id=_required(settings.microsoft_client_id, "MICROSOFT_CLIENT_ID"),
        client_secret=_secret(settings.microsoft_client_secret),
        authorize_url=f"{login}/{tenant}/oauth2/v2.0/authorize",
        token_url=f"{login}/{tenant}/oauth2/v2.0/token",
        userinfo_url=f"{graph}/v1.0/me",
        revoke_url=None,  # the v2 endpoint has no token revocation (see `revoke`)
        authorize_params={"prompt": "select_account"},
        jwks_url=f"{login}/{tenant}/discovery/v2.0/keys",
        issuers=(f"{login}/{{tid}}/v2.0" if tenant in MULTI_TENANT else f"{login}/{tenant}/v2.0",),
    )


def _required(value: str | None, name: str) -> str:
    if not value:
        raise ConfigError(
            f"AURELIUS_{name} is not set: create the OAuth client as the README's "
            "'Connecting Google, Microsoft and CalDAV' section says, then set it."
        )
    return value


def _secret(value: object) -> str | None:
    reveal = getattr(value, "get_secret_value", None)
    return str(reveal()) if reveal else None
