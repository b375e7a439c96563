"""Dashboard forms that change things: decisions (single and bulk), notes and tags.

Each handler answers with a redirect (post / redirect / get); a refused input comes back as a
message on the page the form was on, not as an error page.
"""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from ats_match.errors import InvalidInput
from ats_match.models import DecisionAction
from ats_match.services import decisions
from web.deps import FormUser, SessionDep

router = APIRouter(include_in_schema=False)


def _back(path: str, **params: str | int) -> RedirectResponse:
    query = urlencode({k: v for k, v in params.items() if v not in ("", None)})
    return RedirectResponse(f"{path}?{query}" if query else path, status_code=303)


@router.post("/applications/{application_id}/decide")
def decide_one(
    request: Request,
    application_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    action: Annotated[DecisionAction, Form()],
    reason: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    path = f"/applications/{application_id}"
    try:
        decisions.decide(session, user, [application_id], action, reason)
    except InvalidInput as exc:
        return _back(path, error=exc.message)
    return _back(path, done=decisions.PAST_TENSE[action])


@router.post("/jobs/{job_id}/decide")
def decide_many(
    request: Request,
    job_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    action: Annotated[DecisionAction, Form()],
    application_id: Annotated[list[uuid.UUID] | None, Form()] = None,
    reason: Annotated[str, Form(max_length=1000)] = "",
    back: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    path = f"/jobs/{job_id}"
    keep = back if back.startswith("?") else ""
    try:
        rows = decisions.decide(session, user, application_id or [], action, reason)
    except InvalidInput as exc:
        return RedirectResponse(path + _join(keep, {"error": exc.message}), status_code=303)
    done = f"{decisions.PAST_TENSE[action]} {len(rows)}"
    return RedirectResponse(path + _join(keep, {"done": done}), status_code=303)


def _join(query: str, extra: dict[str, str]) -> str:
    kept = [p for p in query.lstrip("?").split("&") if p and not p.startswith(("done=", "error="))]
    return "?" + "&".join([*kept, urlencode(extra)])


@router.post("/applications/{application_id}/notes")
def add_note(
    request: Request,
    application_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    body: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    path = f"/applications/{application_id}"
    try:
        decisions.add_note(session, user, application_id, body)
    except InvalidInput as exc:
        return _back(path, error=exc.message)
    return _back(path, done="Note added")


@router.post("/applications/{application_id}/tags")
def set_tags(
    request: Request,
    application_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    tags: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    path = f"/applications/{application_id}"
    try:
        decisions.set_tags(session, user, application_id, decisions.parse_tags(tags))
    except InvalidInput as exc:
        return _back(path, error=exc.message)
    return _back(path, done="Tags saved")
