"""`aurelius connect …`: link an account at a provider (CalDAV here; Google and Microsoft
sign in over OAuth). The account is checked before anything is saved, and its calendars
are synced right after."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cli import context, render
from cli.app import fail, group

app = group("Link an account at a provider; its calendars then sync with Aurelius.")


@app.command("caldav")
def caldav(
    url: Annotated[str, typer.Argument(help="The server, e.g. https://dav.example.com/.")],
    username: Annotated[str, typer.Option("--username", "-u", help="Your login there.")],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from stdin.")
    ] = False,
) -> None:
    """Link a CalDAV account (Nextcloud, Fastmail, iCloud, Radicale, ...)."""
    from aurelius.adapters.caldav import CalDavCalendar
    from core.services.connections import Link

    password = _password(password_stdin)
    found = CalDavCalendar(url, username, password).calendars()  # checks before saving
    services = context.services()
    link = Link(
        provider="caldav",
        account_id=f"{username}@{url.rstrip('/')}",
        account_email=None,
        scopes=[],
        secret_kind="password",
        secret={"password": password},
        server_url=url,
        username=username,
    )
    connection_id = services.connections.link(context.user_id(), link)
    render.say(
        f"Connected CalDAV account {username} (connection #{connection_id}): "
        f"{len(found)} calendar(s)."
    )
    render.say(services.sync.sync_connection(connection_id).line())


def _password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("CalDAV password", hide_input=True, default="", show_default=False)
    if not password:
        fail("No password given; type it at the prompt or pipe it with --password-stdin.")
    return password
