"""Signing in to Google and Microsoft with OAuth 2.0 (authlib): authorization code + PKCE,
one-time signed states, and access tokens refreshed from the vault.

    providers  the endpoints, scopes and client of each provider (base URL override kept)
    flow       start a sign-in (the authorize URL) and finish it (code -> tokens -> identity)
    tokens     `OAuthTokens`, the `AccessTokens` an adapter is given for one connection
    loopback   the CLI's one-shot redirect listener on 127.0.0.1 (RFC 8252)
    revoke     giving the grant back when a connection is removed
"""
