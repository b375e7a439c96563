"""The recruiter dashboard: server-rendered pages over the same services as the API."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlmodel import Session, col, func, select

from ats_match.errors import Forbidden, Unauthorized
from ats_match.models import Application, DecisionAction, Job, Role, Score, User
from ats_match.security import hash_api_key, require_role
from ats_match.services import decisions
from ats_match.services.hiring import latest_requirements
from ats_match.services.ranking import RankingQuery, RankingSort, application_detail, job_ranking
from web.deps import COOKIE_NAME, SessionDep, get_current_user
from web.pages import page, verdict_tone  # noqa: F401  (verdict_tone: re-exported)

router = APIRouter(include_in_schema=False)


def _user_or_redirect(request: Request, session: Session) -> User | RedirectResponse:
    try:
        return get_current_user(request, session)
    except Unauthorized:
        return RedirectResponse("/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return page(request, "login", {"user": None})


@router.post("/login")
def login(request: Request, session: SessionDep, api_key: Annotated[str, Form()]) -> Response:
    user = session.exec(select(User).where(col(User.api_key_hash) == hash_api_key(api_key))).first()
    if user is None:
        return page(request, "login", {"user": None, "error": "That key is not valid."}, 401)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        api_key,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=8 * 3600,
    )
    return response


@router.post("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE_NAME)
    return response


@router.get("/", response_class=HTMLResponse)
def jobs_page(request: Request, session: SessionDep) -> Response:
    user = _user_or_redirect(request, session)
    if isinstance(user, RedirectResponse):
        return user
    jobs = session.exec(
        select(Job).where(col(Job.organization_id) == user.organization_id).order_by(col(Job.title))
    ).all()
    rows = [_job_row(session, user, job) for job in jobs]
    return page(request, "jobs", {"user": user, "jobs": rows, "active": "jobs"})


def _job_row(session: Session, user: User, job: Job) -> dict[str, Any]:
    requirements = latest_requirements(session, user.organization_id, job.id)
    applications = session.exec(
        select(func.count()).select_from(Application).where(col(Application.job_id) == job.id)
    ).one()
    qualified = 0
    if requirements is not None:
        qualified = session.exec(
            select(func.count())
            .select_from(Score)
            .where(col(Score.requirement_set_id) == requirements.id, col(Score.qualified))
        ).one()
    return {
        "job": job,
        "requirements": requirements,
        "applications": applications,
        "qualified": qualified,
    }


PAGE_SIZE = 50


@router.get("/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    request: Request,
    job_id: uuid.UUID,
    session: SessionDep,
    qualified: bool = False,
    sort: RankingSort = RankingSort.RANK,
    page_number: Annotated[int, Query(alias="page", ge=1, le=100_000)] = 1,
) -> Response:
    user = _user_or_redirect(request, session)
    if isinstance(user, RedirectResponse):
        return user
    query = RankingQuery(
        limit=PAGE_SIZE, offset=(page_number - 1) * PAGE_SIZE, sort=sort, only_qualified=qualified
    )
    ranking = job_ranking(session, user.organization_id, job_id, query)
    pages = max(1, -(-ranking.total // PAGE_SIZE))
    ids = [row.application_id for row in ranking.rows]
    return page(
        request,
        "job",
        {
            "user": user,
            "job": ranking.job,
            "active": "jobs",
            "requirements": ranking.requirements,
            "rows": ranking.rows,
            "total": ranking.total,
            "only_qualified": qualified,
            "sort": sort.value,
            "sorts": [s.value for s in RankingSort],
            "page": page_number,
            "pages": pages,
            "decisions": decisions.current_decisions(session, user.organization_id, ids),
            "tags": decisions.tags_of(session, user.organization_id, ids),
            "back": "?" + str(request.url.query),
            **_flash(request),
        },
    )


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
    }
    context = {"user": user, "active": "jobs", **detail.__dict__, **activity, **_flash(request)}
    return page(request, "application", context)


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
