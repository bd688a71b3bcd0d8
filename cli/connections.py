"""`aurelius connect google|microsoft` (on the `connect` group of cli.connect), `connections`,
`disconnect ID` and `keys rotate|new`.

`connect` signs in through the browser: Aurelius listens once on 127.0.0.1 (a port the OS
picks), prints the consent link on one line, opens it unless `--no-browser`, and waits for
the provider to send the browser back. Ctrl-C cancels; nothing is saved until the account
is linked; its calendars are synced right after.
"""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cli import context, render
from cli.app import fail, group
from cli.confirm import proceed
from cli.connect import app as connect_app

keys_app = group("The token vault's keys: make a new one, re-seal every secret with it.")
NoBrowser = Annotated[
    bool, typer.Option("--no-browser", help="Only print the link; do not open a browser.")
]
CANCELLED = 130  # the shell's status for Ctrl-C


@connect_app.command("google")
def google(no_browser: NoBrowser = False) -> None:
    """Sign in with Google: calendar access (openid email + Google Calendar)."""
    _connect("google", no_browser)


@connect_app.command("microsoft")
def microsoft(no_browser: NoBrowser = False) -> None:
    """Sign in with Microsoft: Outlook / Microsoft 365 calendars."""
    _connect("microsoft", no_browser)


def _connect(name: str, no_browser: bool) -> None:
    from aurelius.adapters.oauth.flow import SignIn
    from aurelius.adapters.oauth.loopback import Loopback

    services, user = context.services(), context.user_id()
    sign_in = SignIn(services, name)
    label = sign_in.provider.label
    try:
        with Loopback(label) as loopback:
            url = sign_in.start(user, loopback.redirect_uri, "cli")
            typer.echo(f"Open this link to connect {label}: {url}")
            sys.stdout.flush()
            if not no_browser:
                _open(url)
            answer = loopback.wait()
    except KeyboardInterrupt:
        fail(f"Cancelled: no {label} account was connected.", CANCELLED)
    if answer is None:
        fail(f"No answer from {label} within 10 minutes; no account was connected. "
             "Run the command again.")
        return
    linked = sign_in.finish("cli", answer)
    # The account is linked whatever the first sync finds; `aurelius sync` retries it.
    render.say(services.sync.sync_connection(linked.connection_id).line())
    view = next(v for v in services.connections.list(user) if v.id == linked.connection_id)
    services.security_log.record("connection.added", actor_id=user, user_id=user,
                                 detail={"provider": name, "connection": view.id})
    render.say(f"Connected {label} account {linked.account} (#{view.id}); "
               f"{len(view.calendars)} calendars.")


def _open(url: str) -> None:
    import webbrowser

    webbrowser.open(url)


def connections(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Linked accounts: provider, account, status, calendars, last sync and last error."""
    views = context.services().connections.list(context.user_id())
    if as_json:
        render.print_json(views)
        return
    render.table(
        "Connections",
        ["id", "provider", "account", "status", "calendars", "last sync", "pending", "error"],
        [[str(v.id), v.provider, v.account, v.status, str(len(v.calendars)),
          render.when(v.last_sync) if v.last_sync else "never", str(v.pending_writes),
          v.last_error or ""] for v in views],
        "No connections yet. Link one with `aurelius connect google` (or microsoft).",
    )


def disconnect(
    connection_id: Annotated[int, typer.Argument(min=1, metavar="ID")],
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask first.")] = False,
) -> None:
    """Revoke the access at the provider and delete the connection, its credentials and the
    events mirrored from it."""
    from aurelius.adapters.oauth.revoke import disconnect as remove

    services, user = context.services(), context.user_id()
    view = next((v for v in services.connections.list(user) if v.id == connection_id), None)
    if view is None:
        fail(f"No connection #{connection_id}. See `aurelius connections`.")
        return
    proceed(f"Disconnect {view.provider} account {view.account} and delete the events "
            "mirrored from it?", yes, "Nothing was disconnected.")
    account, told = remove(services, user, connection_id)
    services.security_log.record("connection.removed", actor_id=user, user_id=user,
                                 detail={"provider": view.provider, "connection": connection_id})
    render.say(f"Disconnected {account} (#{connection_id}). {told}".strip())


@keys_app.command("rotate")
def rotate() -> None:
    """Re-seal every stored secret with the first key of AURELIUS_ENCRYPTION_KEYS."""
    services = context.services()
    count = services.credentials.rotate()
    newest = getattr(services.credentials.vault, "newest", "the newest key")
    render.say(f"Re-sealed {count} secrets with key {newest}.")


@keys_app.command("new")
def new() -> None:
    """Print a fresh `kid:base64key` entry: put it first in AURELIUS_ENCRYPTION_KEYS (keep the
    old keys after it until `aurelius keys rotate` has run)."""
    from aurelius.adapters.vault import new_key_entry

    typer.echo(new_key_entry())
