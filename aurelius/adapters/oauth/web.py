"""Signing in from a chat through `aurelius serve`.

`/connect google` in a chat gets `chat_link`: `${AURELIUS_PUBLIC_URL}/oauth/google/start?
link=STATE`, a state of the `chat` flow (signed, bound to the person, ten minutes, once).
`/start` redeems it and sends the browser to the provider with a fresh `web` state whose
redirect is `/oauth/google/callback`; the callback links the account and tells the chat.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from aurelius.adapters.oauth.flow import Linked, SignIn, states
from aurelius.adapters.oauth.providers import provider
from core.errors import ConfigError, Invalid
from core.ports import Address, Note

if TYPE_CHECKING:
    from aurelius.bootstrap import Services

log = logging.getLogger(__name__)


def chat_link(services: Services, user_id: int, name: str, reply_to: str) -> str:
    """The one-time link a chat button opens; `reply_to` is `kind:target` of that chat."""
    base = _public_url(services)
    try:
        provider(services.settings, name)
    except ConfigError as error:
        raise Invalid(str(error)) from None
    link = states(services).issue(user_id, name, "chat", reply_to=reply_to)
    return f"{base}/oauth/{name}/start?{urlencode({'link': link})}"


def begin(services: Services, name: str, link: str) -> str:
    """Where `/oauth/{name}/start` sends the browser: the provider's consent page."""
    attempt = states(services).redeem(link, name, "chat")
    callback = f"{_public_url(services)}/oauth/{name}/callback"
    return SignIn(services, name).start(attempt.owner(), callback, "web", attempt.reply_to)


def complete(services: Services, name: str, answer: dict[str, str]) -> Linked:
    sign_in = SignIn(services, name)
    linked = sign_in.finish("web", answer)
    if linked.reply_to:
        _tell(services, linked.reply_to,
              Note(title=f"{sign_in.provider.label} connected",
                   body=f"Linked {linked.account} (connection #{linked.connection_id}).",
                   kind="connection"))
    return linked


def _tell(services: Services, reply_to: str, note: Note) -> None:
    """Best effort: the account is linked whether or not the chat hears about it."""
    kind, _, target = reply_to.partition(":")
    notifier = services.notifiers.get(kind)
    try:
        if notifier is None:
            raise LookupError(f"no {kind} sender is configured")
        notifier.send(Address(kind, target), note)
    except Exception as error:  # a chat that cannot be reached must not undo the link
        log.warning("could not confirm the connection in %s: %s", kind, type(error).__name__)


def _public_url(services: Services) -> str:
    base = services.settings.public_url
    if not base:
        raise Invalid("Connecting from a chat needs AURELIUS_PUBLIC_URL (where `aurelius "
                      "serve` is reachable); or run `aurelius connect` on your computer.")
    return base.rstrip("/")
