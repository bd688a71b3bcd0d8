"""A stand-in for the Microsoft identity platform (v2.0 endpoints) and Graph's `/me`.

Implements, as documented at learn.microsoft.com/entra/identity-platform/v2-oauth2-auth-code-flow:
- `GET /{tenant}/oauth2/v2.0/authorize`: `client_id`, `response_type=code`, `redirect_uri`,
  `scope`, `state`, `code_challenge` + `code_challenge_method=S256`; 302 back with `code` and
  `state`, or `error=access_denied&error_description=...&state`.
- `POST /{tenant}/oauth2/v2.0/token`, form-encoded: `authorization_code` (redirect URI and
  PKCE verifier checked) and `refresh_token`. Every answer carries a NEW `refresh_token` and
  the one presented stops working (rotation; Microsoft may keep old ones a while, this stand-in
  is stricter). Errors: 400 `{"error": "invalid_grant", "error_description": "AADSTS70008:
  ...", "error_codes": [70008]}`.
- `GET /v1.0/me` with a bearer token: `id`, `displayName`, `mail`, `userPrincipalName`;
  401 `{"error": {"code": "InvalidAuthenticationToken"}}` otherwise.
- OpenID Connect: a code grant with `openid` also answers an `id_token` (RS256, `iss` =
  `{host}/{tid}/v2.0`, `tid`, `nonce`, `email` and `email_verified` — the stand-in's
  stand-in for the optional `xms_edov` claim), verifiable with the JWKS at
  `GET /{tenant}/discovery/v2.0/keys`.
No revocation endpoint: v2.0 has none.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.stubs import oauth_identity as oauth
from tests.stubs.provider import ProviderStub, Request, Response

TENANT = r"/[^/]+/oauth2/v2\.0"
TENANT_ID = "9188040d-6c67-4c5b-b112-36a304b66dad"  # the id a `common` sign-in reports
INVALID_GRANT = {
    "error": "invalid_grant",
    "error_description": "AADSTS70008: The provided authorization code or refresh token has "
    "expired due to inactivity.",
    "error_codes": [70008],
}
DENIED = {"error_description": "AADSTS65004: User declined to consent to access the app."}


@dataclass
class MicrosoftIdentityState(oauth.IdentityState):
    tenants: tuple[str, ...] = ("common",)


def install(stub: ProviderStub, state: MicrosoftIdentityState) -> None:
    state.id_tokens.issuer = f"{stub.url}/{TENANT_ID}/v2.0"
    state.id_tokens.extra = {"tid": TENANT_ID}
    stub.route("GET", r"/[^/]+/discovery/v2\.0/keys", state.id_tokens.jwks)
    stub.route("GET", f"{TENANT}/authorize", lambda r: _tenant(state, r) or oauth.consent(
        state, r, DENIED))
    stub.route("POST", f"{TENANT}/token", lambda r: _tenant(state, r) or oauth.token(
        state, r, True, INVALID_GRANT))
    stub.route("GET", "/v1.0/me", lambda r: _me(state, r))


def _tenant(state: MicrosoftIdentityState, request: Request) -> Response | None:
    if request.path.split("/")[1] in state.tenants:
        return None
    return Response(400, {"error": "invalid_tenant",
                          "error_description": "AADSTS90002: Tenant not found."})


def _me(state: MicrosoftIdentityState, request: Request) -> Response:
    account = oauth.signed_in(state, request)
    if account is None:
        return Response(401, {"error": {"code": "InvalidAuthenticationToken",
                                        "message": "Access token is empty."}})
    return Response(200, {"id": account.id, "displayName": "Ada", "mail": account.email,
                          "userPrincipalName": account.email})
