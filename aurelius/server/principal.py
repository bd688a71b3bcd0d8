"""Who is calling the HTTP API: `authenticate(request, services)` turns the request's
credentials into a `Principal`, or None when it carries none that are valid.

An `Authorization: Bearer aur_…` header is an API token (its scopes limit it). Session access
tokens (JWTs, from the header or the access cookie) are resolved by `aurelius.server.sessions`
once sign-in exists; a session may do everything its role allows.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from aurelius.bootstrap import Services
from core.models.api_token import SCOPES
from core.services.api_tokens import PREFIX

MEMBER_SCOPES = frozenset(scope for scope in SCOPES if scope != "admin")


@dataclass(frozen=True)
class Principal:
    user_id: int
    role: str  # admin | member
    scopes: frozenset[str]
    via: str  # token | session
    token_id: int | None = None
    session_id: str | None = None

    def can(self, scope: str) -> bool:
        """`tasks:write` implies `tasks:read`; `admin` needs the admin role as well."""
        if scope == "admin" and self.role != "admin":
            return False
        read_of_write = scope.endswith(":read") and scope.replace(":read", ":write") in self.scopes
        return scope in self.scopes or read_of_write


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def authenticate(request: Request, services: Services) -> Principal | None:
    token = bearer(request)
    if token and token.startswith(PREFIX):
        holder = services.api_tokens.holder(token)
        if holder is None:
            return None
        return Principal(holder.user_id, holder.role, holder.scopes, "token", holder.token_id)
    return None
