"""The FastAPI application factory: JSON API, inbound webhooks and the recruiter dashboard."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from ats_match.settings import get_settings
from web import (
    actions,
    admin_pages,
    corrections,
    dashboard,
    docs,
    editor,
    errors,
    fairness_page,
    ranking_page,
    signin,
    sso,
)
from web.api import (
    admin,
    applications,
    assessments,
    candidates,
    decisions,
    fairness,
    health,
    jobs,
    privacy,
    requirements,
    skills,
    trust,
    wallets,
    webhooks,
)
from web.limits import BodySizeLimit


def create_app() -> FastAPI:
    app = FastAPI(
        title="ats-match",
        version="0.1.0",
        description="Verify candidates' credentials, map them to skills, rank them for roles.",
        docs_url=None,  # served by web.docs from local assets
        redoc_url=None,
    )

    errors.install(app)
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
        trust,
        wallets,
        signin,
        sso,
        actions,
        corrections,
        fairness_page,
        editor,
        ranking_page,
        admin_pages,
        dashboard,
    )
    app.include_router(assessments.router)  # Greenhouse Assessment Partner API
    for module in routers:
        app.include_router(module.router)
    if get_settings().serve_demo_issuer:
        from web import demo_issuer

        app.include_router(demo_issuer.router)
    return app
