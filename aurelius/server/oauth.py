"""`/oauth/{provider}/start` and `/oauth/{provider}/callback` on `aurelius serve`.

Plain `def` endpoints (FastAPI runs them in worker threads, where the synchronous core
belongs). Every failure is one line on a small page with status 400; nothing is saved.
"""

from __future__ import annotations

import html

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from aurelius.bootstrap import Services
from aurelius.failures import explain
from aurelius.workers.jobs import SYNC

PROVIDERS = ("google", "microsoft")


def oauth_routes(app: FastAPI, services: Services) -> None:
    def start(provider: str, request: Request) -> Response:
        from aurelius.adapters.oauth.web import begin

        if provider not in PROVIDERS:
            return _page("Unknown provider: use google or microsoft.", 404)
        try:
            url = begin(services, provider, request.query_params.get("link", ""))
        except Exception as error:
            return _failed(error)
        return RedirectResponse(url, status_code=302)

    def callback(provider: str, request: Request) -> Response:
        from aurelius.adapters.oauth.web import complete

        if provider not in PROVIDERS:
            return _page("Unknown provider: use google or microsoft.", 404)
        try:
            linked = complete(services, provider, dict(request.query_params))
        except Exception as error:
            return _failed(error)
        # Its calendars arrive right after linking, as with `aurelius connect`.
        services.queue.enqueue(SYNC, linked.connection_id, job_id=f"sync-{linked.connection_id}")
        return _page(f"Connected {linked.account} to Aurelius. You can close this tab.")

    app.add_api_route("/oauth/{provider}/start", start, methods=["GET"])
    app.add_api_route("/oauth/{provider}/callback", callback, methods=["GET"])


def _failed(error: Exception) -> Response:
    line = explain(error)
    if line is None:
        raise error
    return _page(line, 400)


def _page(text: str, status: int = 200) -> HTMLResponse:
    body = f"<!doctype html><title>Aurelius</title><p>{html.escape(text)}</p>"
    return HTMLResponse(body, status, headers={"Cache-Control": "no-store"})
