"""Mail that needs no model to read: triage rules (and, beside them, MIME and addresses)."""
