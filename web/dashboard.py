"""The recruiter dashboard: server-rendered pages over the same services as the API."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlmodel import Session, col, func, select

from ats_match.errors import Unauthorized
from ats_match.models import Application, Job, Score, User
from ats_match.security import hash_api_key
from ats_match.services.hiring import latest_requirements
from ats_match.services.ranking import RankingQuery, RankingSort, application_detail, job_ranking
from ats_match.services.wallets import proven_dids_of
from web.deps import COOKIE_NAME, SessionDep, get_current_user

TEMPLATES = Jinja2Templates(directory=Path(__file__).parent / "templates")
_BAD_STATES = {("authenticity", "forged"), ("holder", "mismatch"), ("issuer_trust", "denied")}
_FLAGGED_VALIDITY = {"expired", "revoked", "suspended", "not_yet_valid"}


def verdict_tone(verdict: Any) -> str:
    """The pill colour of a stored verification: bad for what never counts (forged, someone
    else's, a denied issuer), ok (amber) for genuine but expired, revoked or not tied to the
    applicant, pending while something could not be checked, good otherwise."""
    if any(getattr(verdict, axis) == state for axis, state in _BAD_STATES):
        return "bad"
    if verdict.authenticity == "unknown" or verdict.validity == "unknown":
        return "pending"
    if verdict.validity in _FLAGGED_VALIDITY or verdict.holder in ("unproven", "unaddressed"):
        return "ok"
    return "good"


TEMPLATES.env.globals["verdict_tone"] = verdict_tone
router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    response = TEMPLATES.TemplateResponse(
        request, f"pages/{name}.html", context, status_code=status
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _user_or_redirect(request: Request, session: Session) -> User | RedirectResponse:
    try:
        return get_current_user(request, session)
    except Unauthorized:
        return RedirectResponse("/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return _page(request, "login", {"user": None})


@router.post("/login")
def login(request: Request, session: SessionDep, api_key: Annotated[str, Form()]) -> Response:
    user = session.exec(select(User).where(col(User.api_key_hash) == hash_api_key(api_key))).first()
    if user is None:
        return _page(request, "login", {"user": None, "error": "That key is not valid."}, 401)
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
    return _page(request, "jobs", {"user": user, "jobs": rows, "active": "jobs"})


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
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    user = _user_or_redirect(request, session)
    if isinstance(user, RedirectResponse):
        return user
    query = RankingQuery(
        limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE, sort=sort, only_qualified=qualified
    )
    ranking = job_ranking(session, user.organization_id, job_id, query)
    pages = max(1, -(-ranking.total // PAGE_SIZE))
    return _page(
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
            "page": page,
            "pages": pages,
        },
    )


@router.get("/applications/{application_id}", response_class=HTMLResponse)
def application_page(request: Request, application_id: uuid.UUID, session: SessionDep) -> Response:
    user = _user_or_redirect(request, session)
    if isinstance(user, RedirectResponse):
        return user
    detail = application_detail(session, user.organization_id, application_id)
    proven = proven_dids_of(session, detail.candidate)
    context = {"user": user, "active": "jobs", "proven_dids": proven, **detail.__dict__}
    return _page(request, "application", context)
