"""The FastAPI application factory: JSON API, inbound webhooks and the recruiter dashboard."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.security import HTTPBasic
from fastapi.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from ats_match.settings import get_settings
from rules.schema import RequirementSet
from web import (
    actions,
    admin_pages,
    corrections,
    dashboard,
    docs,
    editor,
    errors,
    fairness_page,
    ingest_asgi,
    ranking_page,
    saved_views,
    signin,
    sso,
)
from web.api import (
    admin,
    api_keys,
    applications,
    assessments,
    candidates,
    decisions,
    fairness,
    health,
    jobs,
    pathways,
    privacy,
    requirements,
    skills,
    trust,
    wallets,
    webhooks,
)
from web.api.contract import ERROR_RESPONSES, with_components
from web.limits import BodySizeLimit

PARTNER_BASIC = HTTPBasic(
    auto_error=False,
    scheme_name="partnerBasic",
    description="HTTP Basic whose user name is the partner key the customer gave the ATS.",
)
"""Declares how the ATS authenticates to the assessment-partner routes (checked in the routes)."""


class App(FastAPI):
    """The application, with the webhook path answered before the framework's stack
    (:mod:`web.ingest_asgi`: it is the one path that takes a thousand requests a second)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if ingest_asgi.is_delivery(scope):
            await ingest_asgi.handle(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app() -> FastAPI:
    app = App(
        title="ats-match",
        version="0.1.0",
        description="Verify candidates' credentials, map them to skills, rank them for roles.",
        docs_url=None,  # served by web.docs from local assets
        redoc_url=None,
    )

    errors.install(app)
    with_components(app, {"RequirementSetDocument": RequirementSet})
    docs.install(app)
    app.add_middleware(
        BodySizeLimit,
        max_bytes=get_settings().max_webhook_body_bytes,
        path_limits={applications.UPLOAD_PATH: applications.upload_body_limit()},
    )
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    routers = (
        health,
        webhooks,
        jobs,
        requirements,
        skills,
        candidates,
        applications,
        decisions,
        fairness,
        privacy,
        admin,
        api_keys,
        trust,
        pathways,
        wallets,
        signin,
        sso,
        actions,
        corrections,
        fairness_page,
        editor,
        saved_views,
        ranking_page,
        admin_pages,
        dashboard,
    )
    app.include_router(  # Greenhouse and Ashby assessment-partner APIs
        assessments.router, responses=ERROR_RESPONSES, dependencies=[Depends(PARTNER_BASIC)]
    )
    for module in routers:
        documented = module not in (health, webhooks)  # their answers are their own
        app.include_router(module.router, responses=ERROR_RESPONSES if documented else None)
    if get_settings().serve_demo_issuer:
        from web import demo_issuer

        app.include_router(demo_issuer.router)
    return app
