"""What the Google and Microsoft sign-in stand-ins share: the authorization code grant with
PKCE (RFC 6749 §4.1, RFC 7636), the refresh grant (§6) and their error answers (§5.2).

`IdentityState.issued` is the set of access tokens this stand-in handed out (and has not
revoked). A calendar stand-in accepts exactly the tokens in its own `state.tokens` set; make
them one set object (`IdentityState(issued=calendar_state.tokens)`) and tokens from a real
sign-in work against the calendar stand-in.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from tests.stubs.id_tokens import IdTokenIssuer
from tests.stubs.provider import Request, Response


@dataclass
class Account:
    id: str
    email: str
    email_verified: bool = True
    name: str = "Ada Lovelace"


@dataclass
class Grant:
    account: Account
    scope: str
    redirect_uri: str = ""
    challenge: str = ""
    nonce: str = ""  # OpenID Connect: echoed in the id_token


@dataclass
class IdentityState:
    client_id: str = "aurelius-test-client"
    client_secret: str = "aurelius-test-secret"
    account: Account = field(default_factory=lambda: Account("1098765", "ada@example.com"))
    deny: bool = False  # the person presses "Cancel" on the consent page
    expires_in: int = 3599
    issued: set[str] = field(default_factory=set)  # access tokens a calendar stand-in accepts
    owners: dict[str, Account] = field(default_factory=dict)  # access token -> account
    codes: dict[str, Grant] = field(default_factory=dict)
    refresh_tokens: dict[str, Grant] = field(default_factory=dict)
    requests: list[dict[str, str]] = field(default_factory=list)  # token endpoint forms
    id_tokens: IdTokenIssuer = field(default_factory=IdTokenIssuer)  # for `openid` grants

    def revoke_everything(self) -> None:
        """As if the person removed the app's access in their account settings."""
        self.refresh_tokens.clear()
        self.issued.clear()
        self.owners.clear()


def consent(state: IdentityState, request: Request, error_extra: dict[str, str]) -> Response:
    """The authorize endpoint, consent given at once: 302 back with `code` and `state`, or
    `error=access_denied`. PKCE S256 is required (public clients must use it)."""
    query = request.query
    if query.get("client_id") != state.client_id or not query.get("redirect_uri"):
        return Response(400, body=b"invalid_client", content_type="text/plain")
    back: dict[str, str] = {"state": query.get("state", "")}
    if state.deny:
        back |= {"error": "access_denied", **error_extra}
    elif query.get("response_type") != "code" or query.get("code_challenge_method") != "S256":
        back |= {"error": "invalid_request", **error_extra}
    else:
        code = secrets.token_urlsafe(16)
        state.codes[code] = Grant(state.account, query.get("scope", ""),
                                  query["redirect_uri"], query.get("code_challenge", ""),
                                  query.get("nonce", ""))
        back["code"] = code
    return Response(302, headers={"Location": f"{query['redirect_uri']}?{urlencode(back)}"})


def token(state: IdentityState, request: Request, rotate: bool,
          invalid: dict[str, Any]) -> Response:
    """The token endpoint (form-encoded in, JSON out)."""
    form = request.form()
    state.requests.append(form)
    if form.get("client_id") != state.client_id or (
        form.get("client_secret") not in (None, state.client_secret)
    ):
        return Response(401, {"error": "invalid_client", "error_description": "Unauthorized"})
    grant = _grant(state, form)
    if grant is None:
        return Response(400, invalid)
    answer = _issue(state, grant)
    code_grant = form.get("grant_type") == "authorization_code"
    if code_grant and "openid" in grant.scope.split():
        account = grant.account
        id_token = state.id_tokens.token(state.client_id, account.id, account.email,
                                         account.email_verified, account.name, grant.nonce)
        if id_token:
            answer["id_token"] = id_token
    if code_grant or rotate:
        if rotate:
            state.refresh_tokens.pop(form.get("refresh_token", ""), None)
        answer["refresh_token"] = _refresh_token(state, grant)
    return Response(200, answer, headers={"Cache-Control": "no-store"})


def _grant(state: IdentityState, form: dict[str, str]) -> Grant | None:
    kind = form.get("grant_type")
    if kind == "refresh_token":
        return state.refresh_tokens.get(form.get("refresh_token", ""))
    if kind != "authorization_code":
        return None
    grant = state.codes.pop(form.get("code", ""), None)  # a code works once
    if grant is None or form.get("redirect_uri") != grant.redirect_uri:
        return None
    if s256(form.get("code_verifier", "")) != grant.challenge:
        return None
    return grant


def _issue(state: IdentityState, grant: Grant) -> dict[str, Any]:
    access = f"ya29.{secrets.token_urlsafe(24)}"
    state.issued.add(access)
    state.owners[access] = grant.account
    return {"access_token": access, "expires_in": state.expires_in, "scope": grant.scope,
            "token_type": "Bearer"}


def _refresh_token(state: IdentityState, grant: Grant) -> str:
    value = f"1//{secrets.token_urlsafe(32)}"
    state.refresh_tokens[value] = grant
    return value


def s256(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def signed_in(state: IdentityState, request: Request) -> Account | None:
    return state.owners.get(request.bearer or "")
