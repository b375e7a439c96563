"""The candidate page's skill correction: a recruiter says which skills a credential certifies,
and that decision (a mapping override, audited) applies to everyone holding the same
achievement, who are then re-mapped and re-ranked by the worker."""

from __future__ import annotations

import uuid
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ats_match.errors import InvalidInput, NotFound
from ats_match.models import Role
from ats_match.repositories import CredentialRepository
from ats_match.security import require_role
from ats_match.services import mappings
from web.deps import FormUser, SessionDep, get_current_user
from web.drafts import skill_options_partial
from worker.evidence import taxonomy_hooks

router = APIRouter(prefix="/applications/{application_id}/credentials", include_in_schema=False)


@router.get("/{credential_id}/skill-options", response_class=HTMLResponse)
def options(
    request: Request,
    application_id: uuid.UUID,
    credential_id: uuid.UUID,
    session: SessionDep,
    skill_query: Annotated[str, Query(max_length=200)] = "",
) -> Response:
    """Checkboxes for the skills a typed label names (each described), else the nearest."""
    user = get_current_user(request, session)
    credential = CredentialRepository(session, user.organization_id).get_or_404(credential_id)
    if credential.application_id != application_id:
        raise NotFound("no such credential on this application")
    return skill_options_partial(
        request,
        session,
        user.organization_id,
        skill_query,
        "partials/skill_checkboxes.html",
        prefix=f"add-{credential_id}",
    )


@router.post("/{credential_id}/skills")
def correct(
    application_id: uuid.UUID,
    credential_id: uuid.UUID,
    session: SessionDep,
    user: FormUser,
    skill_uri: Annotated[list[str] | None, Form(max_length=2000)] = None,
) -> Response:
    require_role(user.role, Role.RECRUITER)
    credential = CredentialRepository(session, user.organization_id).get_or_404(credential_id)
    path = f"/applications/{application_id}"
    if credential.application_id != application_id:
        raise NotFound("no such credential on this application")
    if not credential.achievement_id:
        return _back(path, error="This credential names no achievement, so it cannot be remapped")
    try:
        mappings.set_override(
            session,
            user,
            credential.achievement_id,
            list(dict.fromkeys(skill_uri or [])),
            taxonomy_hooks().known_skill,
        )
    except InvalidInput as exc:
        return _back(path, error=exc.message)
    done = "Skills corrected for everyone holding this credential; the ranking is being updated"
    return _back(path, done=done)


def _back(path: str, **params: str) -> RedirectResponse:
    return RedirectResponse(f"{path}?{urlencode(params)}#credentials", status_code=303)
