"""Mail addresses as the ports carry them: "Name <addr@host>" or a bare "addr@host"."""

from __future__ import annotations

import re
from email.utils import getaddresses

_ADDR = re.compile(r"[^@\s<>,;:\"()\[\]\\]+@[^@\s<>,;:\"()\[\]\\]+")
# A display name with any of these must be quoted to read back as one name.
_SPECIALS = re.compile(r"[()<>@,;:\\\".\[\]]")


def parse_address(text: str) -> tuple[str, str]:
    """("Name", "addr@host") from one address; the address is lower-cased, and "" when
    `text` holds no usable address (then the name is what there was)."""
    pairs = getaddresses([text])
    name, email = pairs[0] if len(pairs) == 1 else ("", "")
    email = email.strip()
    if not _ADDR.fullmatch(email):
        return " ".join(text.split()), ""
    return " ".join(name.split()), email.lower()


def format_address(name: str, email: str) -> str:
    """The one-string form: the name quoted when it holds a special character."""
    name = " ".join(name.split())
    if not name or name.lower() == email.lower():
        return email
    if _SPECIALS.search(name):
        escaped = name.replace("\\", "\\\\").replace('"', '\\"')
        name = f'"{escaped}"'
    return f"{name} <{email}>"
