"""Applications in full, mapping overrides and re-verification."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from ats_match.models import Role, Scope, User
from ats_match.repositories import CredentialRepository
from ats_match.security import require_role
from ats_match.services import mappings, outbox
from ats_match.services.ranking import application_detail
from ats_match.services.verdicts import answers_of_row
from ats_match.services.wallets import presented_via, proven_dids_of
from web.deps import SessionDep, requires
from worker.evidence import taxonomy_hooks

router = APIRouter(prefix="/api/v1", tags=["candidates"])


class OverrideIn(BaseModel):
    achievement_id: str = Field(min_length=1, max_length=2000)
    skill_uris: list[str] = Field(description="ESCO (or your taxonomy's) concept URIs")


class OverrideOut(OverrideIn):
    id: uuid.UUID


@router.get("/applications/{application_id}")
def get_application(
    application_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.RESULTS_READ)],
) -> dict[str, Any]:
    """The application with every credential, its verification checks, mapped skills and the
    score explanation."""
    detail = application_detail(session, user.organization_id, application_id)
    return {
        "application": detail.application.model_dump(
            mode="json", exclude={"answers", "eeo_sex", "eeo_race_ethnicity"}
        ),
        "candidate": {
            **detail.candidate.model_dump(mode="json"),
            "proven_dids": list(proven_dids_of(session, detail.candidate)),
        },
        "job": detail.job.model_dump(mode="json"),
        "score": detail.score.model_dump(mode="json") if detail.score else None,
        "credentials": [
            {
                "id": str(view.credential.id),
                "title": view.title,
                "issuer": view.issuer,
                "format": view.credential.format,
                "source": view.credential.source,
                "presented": presented_via(view.credential.source),
                "error": (
                    {"code": view.credential.error_code, "detail": view.credential.error_detail}
                    if view.credential.error_code
                    else None
                ),
                "verification": (
                    {
                        **answers_of_row(view.verdict),
                        "status": view.verdict.status,
                        "checks": view.verdict.checks,
                        "verified_at": view.verdict.verified_at.isoformat(),
                    }
                    if view.verdict
                    else None
                ),
                "skills": view.skills,
            }
            for view in detail.credentials
        ],
    }


@router.put("/mapping-overrides", response_model=OverrideOut)
def put_override(
    data: OverrideIn, session: SessionDep, user: Annotated[User, requires(Scope.SKILLS_WRITE)]
) -> OverrideOut:
    """Map an achievement to given skills for every candidate who holds it (audited)."""
    require_role(user.role, Role.RECRUITER)
    row = mappings.set_override(
        session, user, data.achievement_id, data.skill_uris, taxonomy_hooks().known_skill
    )
    return OverrideOut(id=row.id, achievement_id=row.achievement_id, skill_uris=row.skill_uris)


@router.post("/credentials/{credential_id}/reverify", status_code=202)
def reverify(
    credential_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.APPLICATIONS_WRITE)],
) -> dict[str, str]:
    """Check the credential against its issuer again now (e.g. after an issuer outage)."""
    require_role(user.role, Role.RECRUITER)
    credential = CredentialRepository(session, user.organization_id).get_or_404(credential_id)
    outbox.enqueue(
        session,
        user.organization_id,
        "ats_match.process_credential",
        str(user.organization_id),
        str(credential.id),
    )
    return {"status": "queued"}
