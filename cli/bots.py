"""`aurelius bot telegram|slack`, `aurelius serve` and `aurelius link telegram|slack`.

The bots are a separate front end that the CLI must not import (import-linter keeps front
ends independent), so their entry points are loaded by name, the way uvicorn loads an
app from "module:attribute".
"""

from __future__ import annotations

from importlib import import_module
from typing import Annotated, Any

import typer

from cli import context, render
from cli.app import fail, group

bot_app = group("Run the Slack or Telegram bot in the foreground.")
link_app = group("Link a chat account to your Aurelius account with a one-time code.")
CHANNELS = ("telegram", "slack")


def _entry(path: str) -> Any:
    module, _, name = path.partition(":")
    return getattr(import_module(module), name)


def _run_bot(entry: str, process: str) -> None:
    """Logs show the bot starting and stopping (the bots silence request logs: they hold
    tokens); errors go to the error tracker when one is set."""
    from aurelius.observed import observed

    services = context.services()
    with observed(services, process):
        _entry(entry)(services)


@bot_app.command("telegram")
def telegram() -> None:
    """Long polling: no public URL needed. Ctrl-C stops it."""
    _run_bot("bots.telegram.app:run_polling", "bot-telegram")


@bot_app.command("slack")
def slack() -> None:
    """Socket Mode: no public URL needed. Ctrl-C stops it."""
    _run_bot("bots.slack.app:run_socket_mode", "bot-slack")


def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="Port to listen on (0: any free port).")
    ] = 8000,
) -> None:
    """The webhook server: /healthz, /readyz, Slack events and the Telegram webhook."""
    import uvicorn

    from aurelius.observed import start
    from aurelius.settings import load_settings

    _check_can_listen(host, port)
    start(load_settings(), "serve")  # uvicorn logs through it: log_config=None
    uvicorn.run("bots.serve:create", factory=True, host=host, port=port, log_config=None,
                access_log=False)  # access logs would show chat ids


def _check_can_listen(host: str, port: int) -> None:
    """Fail in one line (not uvicorn's log and exit 3) when the address cannot be bound."""
    import socket

    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        with socket.socket(family, kind, proto) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as error:
        reason = error.strerror or str(error)
        fail(f"Cannot listen on {host}:{port} ({reason}); choose another --host or --port.")


def _link(channel: str, as_json: bool) -> None:
    from core.services.links import LinkService

    services = context.services()
    code = LinkService(services.db, services.clock).issue(context.user_id(), channel)
    if as_json:
        render.print_raw({"code": code})
        return
    command = "/link" if channel == "telegram" else "/aurelius link"
    render.say(f"Send `{command} {code}` to the Aurelius bot within 15 minutes.")


@link_app.command("telegram")
def link_telegram(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print a one-time code; send /link CODE to the bot."""
    _link("telegram", as_json)


@link_app.command("slack")
def link_slack(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Print a one-time code; send /aurelius link CODE in Slack."""
    _link("slack", as_json)
