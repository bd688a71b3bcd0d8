"""A connection whose grant is gone: marked `needs_reauth` with the reason, and the person told
once per lapse how to reconnect (a delivery on their first channel, retried like any other).
Linking the account again clears `reauth_notified_at`, so the next lapse is told again."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from core.models import Connection
from core.ports import Address
from core.services import delivery_rows as rows_
from core.services.channels import DEFAULT

LABELS = {"google": "Google", "microsoft": "Microsoft", "caldav": "CalDAV"}


def mark_needs_reauth(
    session: Session,
    connection: Connection,
    reason: str,
    now: datetime,
    defaults: tuple[Address, ...] = (DEFAULT,),
) -> None:
    connection.status, connection.last_error = "needs_reauth", reason
    if connection.reauth_notified_at is not None:
        return
    connection.reauth_notified_at = now
    key = f"reauth:{connection.id}:{now.isoformat()}"
    title, body = reconnect_note(connection)
    rows_.note_first_channel(
        session, "reauth", key, connection.user_id, now, title, body, defaults
    )


def reconnect_note(connection: Connection) -> tuple[str, str]:
    label = LABELS.get(connection.provider, connection.provider)
    account = connection.account_email or connection.account_id
    return (
        f"Reconnect your {label} account",
        f"Aurelius can no longer reach {label} for {account}: the sign-in was revoked or "
        f"expired. Run `aurelius connect {connection.provider}`, or send "
        f"/connect {connection.provider} in chat, to link it again.",
    )
