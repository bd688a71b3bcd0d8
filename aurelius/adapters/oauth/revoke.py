"""Giving a grant back when a connection is removed.

Google: `POST /revoke` with the refresh token (which also ends its access tokens).
Microsoft: the identity platform v2 has no endpoint that revokes one app's tokens (Graph's
`revokeSignInSessions` would sign the person out of every app), so Aurelius forgets the
tokens (they are deleted with the connection) and says where the person removes the app's
consent: https://myapps.microsoft.com (work or school) or https://account.live.com/consent/Manage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aurelius.adapters.oauth.http import lib, oauth_client, status_of
from aurelius.adapters.oauth.providers import provider

if TYPE_CHECKING:
    from aurelius.bootstrap import Services

MICROSOFT_CONSENT = ("Microsoft has no way for an app to revoke its own sign-in: remove "
                     "Aurelius at https://myapps.microsoft.com or "
                     "https://account.live.com/consent/Manage.")


def revoke(services: Services, provider_name: str, secret: dict[str, Any]) -> str:
    """What happened at the provider, as one line for the person."""
    from core.errors import ConfigError

    try:
        configured = provider(services.settings, provider_name)
    except ConfigError:  # the client was unconfigured since: still let the person leave
        if provider_name == "microsoft":
            return MICROSOFT_CONSENT
        return _not_told("Google", "its OAuth client is not configured")
    if configured.revoke_url is None:
        return MICROSOFT_CONSENT
    token = secret.get("refresh_token") or secret.get("access_token")
    try:
        with oauth_client(configured) as client:
            answer = client.request("POST", configured.revoke_url, data={"token": token},
                                    withhold_token=True)
    except lib().HTTPError as error:
        return _not_told(configured.label, status_of(error))
    if answer.status_code == 200 or answer.status_code == 400:  # 400: already invalid
        return f"{configured.label} revoked Aurelius's access."
    return _not_told(configured.label, f"HTTP {answer.status_code}")


def _not_told(label: str, what: str) -> str:
    return (f"{label} could not be told ({what}); remove Aurelius at "
            "https://myaccount.google.com/permissions.")


def disconnect(services: Services, user_id: int, connection_id: int) -> tuple[str, str]:
    """Revoke (OAuth providers) and delete one of the user's connections: (account, line)."""
    from core.errors import NotFound
    from core.services.connections import owned

    with services.db.transaction() as session:
        row = owned(session, user_id, connection_id)
        name, account = row.provider, row.account_email or row.account_id
        try:
            secret = services.credentials.read(session, connection_id, "oauth")
        except NotFound:  # CalDAV (a password), or a sign-in that never finished
            secret = None
    told = revoke(services, name, secret) if secret and name in ("google", "microsoft") else ""
    services.connections.remove(user_id, connection_id)
    return account, told
