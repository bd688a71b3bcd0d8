"""`aurelius mail draft` and `aurelius mail send`: replies drafted in the thread, and sending
that always shows who receives the mail and asks first (`--yes` for scripts)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import context, render
from cli.app import fail

if TYPE_CHECKING:
    from core.services.mail_drafts import DraftView, SendPreview

Json = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]
Yes = Annotated[bool, typer.Option("--yes", "-y", help="Send without asking (for scripts).")]


def register(app: typer.Typer) -> None:
    app.command("draft")(draft)
    app.command("send")(send)


def draft(
    message_id: Annotated[int, typer.Argument(help="The message to answer (see mail list).")],
    instruction: Annotated[str, typer.Argument(
        help="What to say, e.g. 'say yes, but next week; ask for the agenda'. Offline (no "
             "model) this text is the reply itself.")],
    reply_all: Annotated[bool, typer.Option("--all", help="Reply to every recipient.")] = False,
    as_json: Json = False,
) -> None:
    """Draft a reply in the message's thread and save it as a draft at the provider."""
    services = context.services()
    view = services.drafts.draft_reply(context.user_id(), message_id, instruction,
                                       reply_all=reply_all)
    if as_json:
        render.print_json(view)
        return
    _show(view)
    render.say(f"Saved as draft #{view.id} (not sent). Send it: aurelius mail send {view.id}")


def send(
    draft_id: Annotated[int | None, typer.Argument(help="The draft to send.")] = None,
    to: Annotated[list[str] | None, typer.Option("--to", help="A recipient (repeat it).")] = None,
    subject: Annotated[str, typer.Option("--subject", help="Subject of a new message.")] = "",
    body: Annotated[str | None, typer.Option("--body", help="Text of a new message.")] = None,
    account: Annotated[str | None, typer.Option(
        "--account", help="The account to send from (its address or id).")] = None,
    yes: Yes = False,
    as_json: Json = False,
) -> None:
    """Send a draft, or a new message (--to, --subject, --body), after you confirm it."""
    from cli.confirm import proceed

    services, user = context.services(), context.user_id()
    draft_id = _draft_to_send(draft_id, to, subject, body, account)
    preview = services.drafts.preview(user, draft_id)
    _confirmation(preview, to_stderr=as_json)  # --json keeps stdout for the JSON alone
    proceed("Send it?", yes, f"Not sent. The draft is kept: aurelius mail send {draft_id}")
    sent = services.drafts.send(user, draft_id, confirmed=True)
    if as_json:
        render.print_json(sent)
    elif sent.already:
        render.say(f"Draft #{draft_id} was sent already ({sent.message_id}); nothing sent.")
    else:
        render.say(f"Sent to {', '.join((*sent.to, *sent.cc))} ({sent.message_id}).")


def _draft_to_send(draft_id: int | None, to: list[str] | None, subject: str,
                   body: str | None, account: str | None) -> int:
    """The draft named, or a new one made from --to/--subject/--body."""
    if draft_id is not None:
        if to or body is not None:
            fail("Give a DRAFT_ID or --to/--subject/--body for a new message, not both.")
        return draft_id
    if not to or body is None:
        fail("Say what to send: a DRAFT_ID, or --to ADDRESS --subject TEXT --body TEXT.")
    view = context.services().drafts.compose(context.user_id(), to or [], subject, body or "",
                                             account)
    for notice in view.notices:
        render.say(f"Note: {notice}")
    return view.id


def _confirmation(preview: SendPreview, to_stderr: bool) -> None:
    from core.sanitize import printable

    lines = [f"From:    {preview.sender}", f"To:      {', '.join(preview.to)}"]
    lines += [f"Cc:      {', '.join(preview.cc)}"] if preview.cc else []
    lines += [f"Subject: {preview.subject}", *(f"  | {line}" for line in preview.first_lines)]
    typer.echo(printable("\n".join(lines)), err=to_stderr)


def _show(view: DraftView) -> None:
    for notice in view.notices:
        render.say(f"Note: {notice}")
    render.say(f"To:      {', '.join(view.to)}")
    if view.cc:
        render.say(f"Cc:      {', '.join(view.cc)}")
    render.say(f"Subject: {view.subject}\n")
    render.say(view.body.rstrip())
