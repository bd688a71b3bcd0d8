"""`aurelius mail …`: the linked mail accounts. Each area adds its commands to this group."""

from __future__ import annotations

from cli import mail_reply
from cli.app import group

app = group("Your mail: triage, draft replies in the thread, send them after confirming.")
mail_reply.register(app)
