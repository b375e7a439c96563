"""The FastAPI application factory: JSON API, inbound webhooks and the recruiter dashboard."""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from ats_match.errors import AtsMatchError
from ats_match.settings import get_settings
from web import actions, dashboard, ranking_page, signin
from web.api import (
    admin,
    assessments,
    candidates,
    decisions,
    health,
    jobs,
    requirements,
    trust,
    webhooks,
)
from web.limits import BodySizeLimit


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
                f"<h1>{exc.status_code}</h1><p>{html.escape(exc.message)}</p>",
                status_code=exc.status_code,
            )
        body: dict[str, object] = {"error": exc.code, "detail": exc.message}
        if exc.details:
            body["errors"] = exc.details
        return JSONResponse(body, status_code=exc.status_code)

    app.add_middleware(BodySizeLimit, max_bytes=get_settings().max_webhook_body_bytes)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    routers = (
        health,
        webhooks,
        jobs,
        requirements,
        candidates,
        decisions,
        admin,
        trust,
        signin,
        actions,
        ranking_page,
        dashboard,
    )
    app.include_router(assessments.router)  # Greenhouse Assessment Partner API
    for module in routers:
        app.include_router(module.router)
    return app


def _wants_html(request: Request) -> bool:
    return not request.url.path.startswith(("/api/", "/webhooks/")) and "text/html" in (
        request.headers.get("accept", "")
    )
