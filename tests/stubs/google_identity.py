"""A stand-in for Google's OAuth 2.0 for installed and web apps and its OpenID userinfo.

Implements, as documented at developers.google.com/identity/protocols/oauth2/native-app:
- `GET /o/oauth2/v2/auth` (accounts.google.com): `client_id`, `redirect_uri`,
  `response_type=code`, `scope`, `state`, `code_challenge` + `code_challenge_method=S256`;
  302 to the redirect URI with `code` and `state`, or `error=access_denied` and `state`.
- `POST /token` (oauth2.googleapis.com), form-encoded: `authorization_code` (checks the
  redirect URI and the PKCE verifier) and `refresh_token` grants. JSON answers with
  `access_token`, `expires_in`, `scope`, `token_type` (+ `refresh_token` on the code grant
  only: Google keeps the refresh token). Errors: 400 `{"error": "invalid_grant",
  "error_description": "Bad Request"}` (or "Token has been expired or revoked.").
- `POST /revoke` with `token` (a refresh or access token): 200, or 400 `invalid_token`.
- `GET /v1/userinfo` (openidconnect.googleapis.com) with a bearer token: `sub`, `email`,
  `email_verified`, `name`; 401 otherwise.
- OpenID Connect: a code grant whose scope has `openid` also answers an `id_token` (RS256,
  `iss` = the accounts host, `nonce` from the authorize request), verifiable with the JWKS at
  `GET /oauth2/v3/certs` (www.googleapis.com).
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.stubs import oauth_identity as oauth
from tests.stubs.provider import ProviderStub, Request, Response

INVALID_GRANT = {
    "error": "invalid_grant", "error_description": "Token has been expired or revoked."
}


@dataclass
class GoogleIdentityState(oauth.IdentityState):
    pass


def install(stub: ProviderStub, state: GoogleIdentityState) -> None:
    state.id_tokens.issuer = stub.url  # accounts.google.com, played by the stand-in
    stub.route("GET", "/oauth2/v3/certs", state.id_tokens.jwks)
    stub.route("GET", "/o/oauth2/v2/auth", lambda r: oauth.consent(state, r, {}))
    stub.route("POST", "/token", lambda r: oauth.token(state, r, False, INVALID_GRANT))
    stub.route("POST", "/revoke", lambda r: _revoke(state, r))
    stub.route("GET", "/v1/userinfo", lambda r: _userinfo(state, r))


def _revoke(state: GoogleIdentityState, request: Request) -> Response:
    value = request.form().get("token", "")
    grant = state.refresh_tokens.pop(value, None)
    if grant is None and value not in state.issued:
        return Response(400, {"error": "invalid_token", "error_description": "Bad Request"})
    for access, owner in list(state.owners.items()):
        if value == access or (grant and owner == grant.account):
            state.issued.discard(access)
            state.owners.pop(access)
    return Response(200, {})


def _userinfo(state: GoogleIdentityState, request: Request) -> Response:
    account = oauth.signed_in(state, request)
    if account is None:
        return Response(401, {"error": "invalid_request",
                              "error_description": "Invalid Credentials"})
    return Response(200, {"sub": account.id, "email": account.email,
                          "email_verified": account.email_verified, "name": account.name})
