"""Build the slack-bolt `App`; run it over Socket Mode, or bridge HTTP requests into it."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from typing import Any

from slack_bolt import App, BoltRequest
from slack_bolt.error import BoltError
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from aurelius.bootstrap import Services
from bots.door import ChatDoor
from bots.scrub import scrub, scrub_logs, secrets_of
from bots.slack.listeners import register
from core.errors import ConfigError, ProviderUnavailable

CHANNEL = "slack"
# What bolt raises while reading a payload whose fields have unexpected types or lengths.
MALFORMED = (ValueError, TypeError, KeyError, IndexError, AttributeError)
MALFORMED_ANSWER = (400, {"content-type": "application/json"}, '{"error": "malformed body"}')
log = logging.getLogger(__name__)


def build_app(
    services: Services,
    *,
    process_before_response: bool = False,
    listener_executor: Executor | None = None,
) -> App:
    """The bot; the token rides on the client (bolt ignores `token=` beside `client=`)."""
    settings = services.settings
    if settings.slack_bot_token is None:
        raise ConfigError("Set AURELIUS_SLACK_BOT_TOKEN (xoxb-…) first.")
    client = WebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_base_url
    )
    secret = settings.slack_signing_secret
    with reaching_slack(services):  # App() calls auth.test
        app = App(
            client=client,
            signing_secret=secret.get_secret_value() if secret else "",
            request_verification_enabled=secret is not None,
            process_before_response=process_before_response,
            listener_executor=listener_executor,
        )
    register(app, ChatDoor(services, CHANNEL))
    return app


@contextmanager
def reaching_slack(services: Services, token_name: str = "AURELIUS_SLACK_BOT_TOKEN"
                   ) -> Iterator[None]:
    """Slack refusing a token or not answering, as one line without the token."""
    try:
        yield
    except (BoltError, SlackApiError) as error:
        reason = scrub(str(error), secrets_of(services.settings))
        raise ConfigError(f"Slack rejected {token_name}: {reason}") from None
    except (OSError, SlackClientError) as error:
        reason = scrub(str(error), secrets_of(services.settings))
        raise ProviderUnavailable(
            f"Can't reach the Slack API at {services.settings.slack_base_url} ({reason}). "
            "Check the network, or AURELIUS_SLACK_BASE_URL.") from None


class SlackBridge:
    """Hands HTTP requests (already verified by the server) to the bolt app."""

    def __init__(self, services: Services, **options: object) -> None:
        self.app = build_app(services, **options)  # type: ignore[arg-type]

    def handle(self, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
        try:
            request = BoltRequest(body=body.decode(), headers=dict[str, Any](headers))
            response = self.app.dispatch(request)
        except MALFORMED:  # signed, but a shape bolt cannot read (e.g. `"actions": []`)
            log.warning("a signed Slack request bolt could not read", exc_info=True)
            return MALFORMED_ANSWER
        if response.status >= 500:
            # Listeners only ack (the work runs lazily, behind its own error hook), so a
            # failed dispatch means bolt tripped over the payload; the hook has logged it.
            return MALFORMED_ANSWER
        return response.status, response.first_headers_without_set_cookie(), response.body


def run_socket_mode(services: Services) -> None:
    """`aurelius bot slack`: Socket Mode, no public URL needed."""
    scrub_logs(services.settings)
    # The Web API client logs every failed try; the failure itself reaches us as an
    # exception, which becomes one line here or one log entry in a listener.
    logging.getLogger("slack_sdk.web").setLevel(logging.CRITICAL)
    handler = socket_mode(services)
    with reaching_slack(services, "AURELIUS_SLACK_APP_TOKEN"):
        handler.start()  # connects first: a refused app token fails here, in one line


def socket_mode(services: Services) -> Any:
    """The Socket Mode handler: `start()` blocks, `connect()` and `close()` do not."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    token = services.settings.slack_app_token
    if token is None:
        raise ConfigError("Set AURELIUS_SLACK_APP_TOKEN (xapp-…, scope connections:write).")
    app = build_app(services)
    return SocketModeHandler(app, token.get_secret_value(), web_client=app.client)
