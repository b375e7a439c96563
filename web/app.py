"""The FastAPI application factory: JSON API, inbound webhooks and the recruiter dashboard."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ats_match.errors import AtsMatchError
from web.api import health, jobs, webhooks


def create_app() -> FastAPI:
    app = FastAPI(
        title="ats-match",
        version="0.1.0",
        description="Verify candidates' credentials, map them to skills, rank them for roles.",
    )

    @app.exception_handler(AtsMatchError)
    async def domain_error(_request: Request, exc: AtsMatchError) -> JSONResponse:
        return JSONResponse({"error": exc.code, "detail": exc.message}, status_code=exc.status_code)

    for router in (health.router, webhooks.router, jobs.router):
        app.include_router(router)
    _include_optional(app)
    return app


def _include_optional(app: FastAPI) -> None:
    """Routers that arrive with later parts of the product (requirement sets, dashboard)."""
    from web import dashboard
    from web.api import requirements

    app.include_router(requirements.router)
    app.include_router(dashboard.router)
