"""The job page's saved views: save the current filters under a name, open, delete."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form
from fastapi.responses import RedirectResponse, Response

from ats_match.errors import InvalidInput
from ats_match.services import views
from web.deps import FormUser, SessionDep

router = APIRouter(prefix="/jobs/{job_id}/views", include_in_schema=False)


@router.post("")
def save(
    job_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    name: Annotated[str, Form(max_length=100)] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    try:
        view = views.save_view(session, user, job_id, name, back)
    except InvalidInput as exc:
        return _to(job_id, back, error=exc.message)
    return _to(job_id, view.query, done=f"View “{view.name}” saved")


@router.post("/{view_id}/delete")
def delete(job_id: uuid.UUID, view_id: uuid.UUID, session: SessionDep, user: FormUser) -> Response:
    view = views.delete_view(session, user, view_id)
    return _to(job_id, "", done=f"View “{view.name}” deleted")


def _to(job_id: uuid.UUID, query: str, **flash: str) -> RedirectResponse:
    joined = "&".join(p for p in (query.lstrip("?"), urlencode(flash)) if p)
    return RedirectResponse(f"/jobs/{job_id}?{joined}", status_code=303)
