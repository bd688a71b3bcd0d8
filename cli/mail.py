"""`aurelius mail …`: the linked mailboxes. Each area adds its commands in its own module."""

from __future__ import annotations

from cli.app import group

app = group("Your mail: triage (and, from the mail work, sync, search, drafts and sending).")
