"""`aurelius token create|list|revoke` (API tokens for scripts) and `aurelius admin
users|role|disable|invite|audit`. The CLI acts as the local user; admin commands need that
user to be an admin (on a single-user install the OS user is the first user, so it is)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated, Any

import typer

from cli import context, render
from cli.app import fail, group

token_app = group("API tokens for scripts and phone shortcuts: create (shown once), list, revoke.")
admin_app = group("Admin: users, roles, disabling, invitations and the security log.")
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]
_EXPIRES = re.compile(r"(\d{1,5})([hdw])")
_UNIT = {"h": "hours", "d": "days", "w": "weeks"}


def _log(action: str, user: int | None = None, **detail: Any) -> None:
    from aurelius import correlation

    actor = context.user_id()
    context.services().security_log.record(action, actor_id=actor, user_id=user or actor,
                                           request_id=correlation.current(), detail=detail)


@token_app.command("create")
def create(
    name: Annotated[str, typer.Argument(metavar="NAME")],
    scopes: Annotated[str | None, typer.Option(help="Comma-separated, e.g. tasks:write,"
                                               "events:read (default: all but admin).")] = None,
    expires: Annotated[str | None, typer.Option(help="Lifetime such as 90d, 12h or 4w.")] = None,
) -> None:
    """Create a token; its secret is printed this once."""
    services = context.services()
    until = services.clock.now() + _lifetime(expires) if expires else None
    chosen = [s.strip() for s in scopes.split(",") if s.strip()] if scopes else []
    view, secret = services.api_tokens.create(context.user_id(), name, chosen, until)
    _log("token.created", id=view.id, name=view.name, scopes=view.scopes)
    typer.echo(secret)
    ends = f"expires {render.when(view.expires_at)}" if view.expires_at else "never expires"
    typer.echo(f"Token #{view.id} {view.name!r} ({', '.join(view.scopes)}; {ends}). "
               "Copy it now: it is not shown again.", err=True)


def _lifetime(text: str) -> timedelta:
    found = _EXPIRES.fullmatch(text.strip().lower())
    if not found or int(found[1]) == 0:
        fail(f"--expires: {text!r} is not a lifetime; use e.g. 90d, 12h or 4w.")
        raise AssertionError  # unreachable: fail exits
    return timedelta(**{_UNIT[found[2]]: int(found[1])})


@token_app.command("list")
def list_tokens(as_json: Json = False) -> None:
    """Your tokens: prefix, scopes, expiry, last use (never the secret)."""
    views = context.services().api_tokens.list(context.user_id())
    if as_json:
        render.print_json(views)
        return
    render.table("API tokens", ["id", "name", "prefix", "scopes", "expires", "last used",
                                "status"],
                 [[str(v.id), v.name, v.prefix, ",".join(v.scopes),
                   render.when(v.expires_at) if v.expires_at else "never",
                   render.when(v.last_used_at) if v.last_used_at else "never",
                   "revoked" if v.revoked else "active"] for v in views],
                 'No tokens yet. Make one with `aurelius token create "phone shortcuts"`.')


@token_app.command("revoke")
def revoke(token_id: Annotated[int, typer.Argument(min=1, metavar="ID")]) -> None:
    """Stop a token working, at once."""
    view = context.services().api_tokens.revoke(context.user_id(), token_id)
    _log("token.revoked", id=view.id, name=view.name)
    render.say(f"Revoked token #{view.id} {view.name!r}.")


@admin_app.command("users")
def users(as_json: Json = False) -> None:
    """Every user: email, role, sign-in providers, last sign-in, disabled."""
    accounts = context.services().accounts
    accounts.require_admin(context.user_id())
    views = accounts.users()
    if as_json:
        render.print_json(views)
        return
    render.table("Users", ["id", "name", "email", "role", "logins", "last sign-in", "status"],
                 [[str(v.id), v.name, v.email or "", v.role, ",".join(v.logins) or "-",
                   render.when(v.last_sign_in) if v.last_sign_in else "never",
                   "disabled" if v.disabled else "active"] for v in views], "No users.")


@admin_app.command("role")
def role(user: Annotated[str, typer.Argument(metavar="USER")],
         new_role: Annotated[str, typer.Argument(metavar="admin|member")]) -> None:
    """Make USER (id or email) an admin or a member."""
    accounts = context.services().accounts
    view = accounts.set_role(context.user_id(), accounts.find(user).id, new_role)
    _log("role.changed", view.id, role=view.role)
    render.say(f"{view.email or view.name} (#{view.id}) is now {view.role}.")


@admin_app.command("disable")
def disable(user: Annotated[str, typer.Argument(metavar="USER")]) -> None:
    """USER (id or email) can no longer sign in; sessions and API tokens stop working."""
    accounts = context.services().accounts
    view = accounts.disable(context.user_id(), accounts.find(user).id)
    _log("user.disabled", view.id)
    render.say(f"Disabled {view.email or view.name} (#{view.id}).")


@admin_app.command("invite")
def invite(email: Annotated[str, typer.Argument(metavar="EMAIL")]) -> None:
    """Let EMAIL sign up (with `AURELIUS_SIGNUP=invite`, the default)."""
    view = context.services().accounts.invite(context.user_id(), email)
    _log("user.invited", view.id, email=view.email)
    render.say(f"Invited {view.email} (#{view.id}): they can sign in with Google or Microsoft.")


@admin_app.command("audit")
def audit(as_json: Json = False,
          limit: Annotated[int, typer.Option(min=1, max=10_000)] = 100) -> None:
    """The security log, newest first: sign-ins, tokens, roles, connections, admin actions."""
    services = context.services()
    services.accounts.require_admin(context.user_id())
    entries = services.security_log.entries(limit)
    if as_json:
        render.print_json(entries)
        return
    render.table("Security log", ["when", "action", "actor", "user", "ip", "request"],
                 [[render.when(e.at), e.action, str(e.actor_id or "-"), str(e.user_id or "-"),
                   e.ip or "-", e.request_id or "-"] for e in entries], "Nothing logged yet.")
