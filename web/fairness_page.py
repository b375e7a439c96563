"""The adverse-impact report as a dashboard page (admins; linked from the job page)."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ats_match.errors import Unauthorized
from ats_match.services.adverse_impact import adverse_impact, table_title
from web.deps import SessionDep, get_current_user
from web.pages import page

router = APIRouter(include_in_schema=False)


@router.get("/jobs/{job_id}/adverse-impact", response_class=HTMLResponse)
def adverse_impact_page(
    request: Request,
    job_id: uuid.UUID,
    session: SessionDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    try:
        user = get_current_user(request, session)
    except Unauthorized:
        return RedirectResponse("/login", status_code=303)
    report = adverse_impact(session, user, job_id, version)
    context = {
        "user": user,
        "active": "jobs",
        "report": report,
        "sections": [(table_title(t), t) for t in report.tables],
    }
    return page(request, "adverse_impact", context)
