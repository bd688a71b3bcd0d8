"""Who is calling the HTTP API: `authenticate(request, services)` turns the request's
credentials into a `Principal`, or None when it carries none that are valid.

An `Authorization: Bearer aur_…` header is an API token (its scopes limit it). Any other
bearer value, or the `aurelius_access` cookie, is a session access token (a JWT, see
`aurelius.server.sessions`); a session may do everything its role allows, while its family
is live and its user enabled.

A browser's cookie is sent by the browser on its own, so a write (POST, PUT, PATCH, DELETE)
authenticated by the cookie must also prove it comes from Aurelius's own pages: the
double-submit token, `X-CSRF-Token` equal to the `aurelius_csrf` cookie. A bearer header is
never sent by a browser on its own and needs no such proof.

When `authenticate` answers None, `request.state.auth_error` says why in one line (expired,
not valid, CSRF token missing...), for the 401 an API route answers.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from fastapi import Request

from aurelius.bootstrap import Services
from core.models.api_token import SCOPES
from core.services.api_tokens import PREFIX

MEMBER_SCOPES = frozenset(scope for scope in SCOPES if scope != "admin")
ACCESS_COOKIE = "aurelius_access"
REFRESH_COOKIE = "aurelius_refresh"
CSRF_COOKIE = "aurelius_csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


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
            return _refused(request, "That API token is revoked, expired or unknown.")
        return Principal(holder.user_id, holder.role, holder.scopes, "token", holder.token_id)
    if token:
        return _session(request, services, token)
    cookie = request.cookies.get(ACCESS_COOKIE)
    if not cookie:
        return None
    if request.method not in SAFE_METHODS and not csrf_ok(request):
        return _refused(request, f"Send the {CSRF_HEADER} header (the {CSRF_COOKIE} cookie's "
                                 "value) with writes made with the session cookie.")
    return _session(request, services, cookie)


def csrf_ok(request: Request) -> bool:
    expected = request.cookies.get(CSRF_COOKIE, "")
    given = request.headers.get(CSRF_HEADER, "")
    return bool(expected) and hmac.compare_digest(given.encode(), expected.encode())


def _session(request: Request, services: Services, token: str) -> Principal | None:
    from aurelius.server.sessions import BadSession, verify

    try:
        claims = verify(services, token)
    except BadSession as error:
        if error.reason == "expired":
            return _refused(request, "The access token expired; POST /auth/refresh for a new "
                                     "one.")
        return _refused(request, f"The access token is {error.reason}; sign in again.")
    role = services.sessions.holder(claims.session_id, claims.user_id)
    if role is None:
        return _refused(request, "That session ended (signed out, or the user is disabled); "
                                 "sign in again.")
    scopes = frozenset(SCOPES) if role == "admin" else MEMBER_SCOPES
    return Principal(claims.user_id, role, scopes, "session", session_id=claims.session_id)


def _refused(request: Request, why: str) -> Principal | None:
    request.state.auth_error = why
    return None
