"""The FastAPI application factory: JSON API, inbound webhooks and the recruiter dashboard."""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from ats_match.errors import AtsMatchError
from web.api import admin, health, jobs, webhooks


def create_app() -> FastAPI:
    app = FastAPI(
        title="ats-match",
        version="0.1.0",
        description="Verify candidates' credentials, map them to skills, rank them for roles.",
    )

    @app.exception_handler(AtsMatchError)
    async def domain_error(request: Request, exc: AtsMatchError) -> Response:
        if _wants_html(request):
            return HTMLResponse(
                f"<h1>{exc.status_code}</h1><p>{_escape(exc.message)}</p>",
                status_code=exc.status_code,
            )
        return JSONResponse({"error": exc.code, "detail": exc.message}, status_code=exc.status_code)

    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    for router in (health.router, webhooks.router, jobs.router, admin.router):
        app.include_router(router)
    _include_optional(app)
    return app


def _include_optional(app: FastAPI) -> None:
    """Routers that arrive with later parts of the product (requirement sets, dashboard)."""
    from web import dashboard
    from web.api import requirements

    app.include_router(requirements.router)
    app.include_router(dashboard.router)


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/webhooks/")) and "text/html" in (
        request.headers.get("accept", "")
    )


def _escape(text: str) -> str:
    return html.escape(text)
