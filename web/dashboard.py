"""The recruiter dashboard: server-rendered pages over the same services as the API."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, func, select

from ats_match.errors import Forbidden, Unauthorized
from ats_match.models import (
    Application,
    Candidate,
    DecisionAction,
    Integration,
    Job,
    Role,
    User,
)
from ats_match.security import require_role
from ats_match.services import decisions
from ats_match.services.hiring import latest_requirements
from ats_match.services.ranking import RankingQuery, application_detail, job_ranking
from ats_match.services.wallets import proven_dids_of
from web import plain
from web.deps import SessionDep, get_current_user
from web.pages import page, verdict_tone  # noqa: F401  (verdict_tone: re-exported)

router = APIRouter(include_in_schema=False)


def _user_or_redirect(request: Request, session: Session) -> User | RedirectResponse:
    try:
        return get_current_user(request, session)
    except Unauthorized:
        return RedirectResponse("/login", status_code=303)


@router.get("/", response_class=HTMLResponse)
def jobs_page(
    request: Request, session: SessionDep, q: Annotated[str, Query(max_length=200)] = ""
) -> Response:
    user = _user_or_redirect(request, session)
    if isinstance(user, RedirectResponse):
        return user
    statement = select(Job).where(col(Job.organization_id) == user.organization_id)
    if q.strip():
        statement = statement.where(func.lower(col(Job.title)).contains(q.strip().lower()))
    jobs = session.exec(statement.order_by(col(Job.title))).all()
    rows = [_job_row(session, user, job) for job in jobs]
    return page(request, "jobs", {"user": user, "jobs": rows, "active": "jobs", "q": q})


def _job_row(session: Session, user: User, job: Job) -> dict[str, Any]:
    requirements = latest_requirements(session, user.organization_id, job.id)
    applications = session.exec(
        select(func.count()).select_from(Application).where(col(Application.job_id) == job.id)
    ).one()
    org = user.organization_id

    def count(query: RankingQuery) -> int:  # limit 0: the counts only, no rows
        return job_ranking(session, org, job.id, query).total

    decided = decisions.decision_counts(session, org, job.id)
    return {
        "job": job,
        "requirements": requirements,
        "applications": applications,
        "new": applications - sum(decided.values()),
        "needs_review": count(RankingQuery(limit=0, needs_review=True)),
        "qualified": count(RankingQuery(limit=0, only_qualified=True)),
        "shortlisted": decided[DecisionAction.SHORTLIST.value],
    }


@router.get("/applications/{application_id}", response_class=HTMLResponse)
def application_page(request: Request, application_id: uuid.UUID, session: SessionDep) -> Response:
    user = _user_or_redirect(request, session)
    if isinstance(user, RedirectResponse):
        return user
    org = user.organization_id
    detail = application_detail(session, org, application_id)
    activity = {
        "history": decisions.history(session, org, application_id),
        "notes": decisions.notes(session, org, application_id),
        "tags": decisions.tags_of(session, org, [application_id]).get(application_id, []),
        "actions": [a.value for a in DecisionAction],
        "can_decide": _at_least(user, Role.RECRUITER),
        "can_note": _at_least(user, Role.HIRING_MANAGER),
        "today": date.today(),
        "proven_dids": proven_dids_of(session, detail.candidate),
        **_ats_link(session, detail.application, detail.candidate),
    }
    context = {"user": user, "active": "jobs", **detail.__dict__, **activity, **_flash(request)}
    return page(request, "application", context)


def _ats_link(session: Session, application: Application, candidate: Candidate) -> dict[str, Any]:
    integration = (
        session.get(Integration, application.integration_id) if application.integration_id else None
    )
    if integration is None:
        return {"ats_url": None, "ats_name": None}
    vendor = str(integration.vendor)
    url = plain.ats_record_url(vendor, integration.settings or {}, application, candidate)
    return {"ats_url": url, "ats_name": integration.name or vendor.capitalize()}


def _at_least(user: User, role: Role) -> bool:
    try:
        require_role(user.role, role)
    except Forbidden:
        return False
    return True


def _flash(request: Request) -> dict[str, str]:
    """The outcome of the form just sent (post / redirect / get), from the query string."""
    return {
        "done": request.query_params.get("done", "")[:200],
        "error": request.query_params.get("error", "")[:300],
    }
