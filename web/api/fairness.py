"""The adverse-impact report (JSON and CSV) and the manual API for self-reported EEO answers."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel

from ats_match.fairness.categories import RaceEthnicityCode, SexCode
from ats_match.models import Scope, User
from ats_match.services import adverse_impact as report
from ats_match.services.privacy import set_self_identification
from web.deps import SessionDep, requires

router = APIRouter(prefix="/api/v1", tags=["fairness"])
VersionQuery = Annotated[
    int | None, Query(ge=1, description="Requirement-set version; default the newest")
]


@router.get("/jobs/{job_id}/adverse-impact", response_model=report.AdverseImpactReport)
def adverse_impact(
    job_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.FAIRNESS_READ)],
    version: VersionQuery = None,
) -> report.AdverseImpactReport:
    """Selection and scoring rates and impact ratios by sex, race/ethnicity and their
    intersections (NYC LL144 bias-audit arithmetic; admin only). See docs/fairness.md."""
    return report.adverse_impact(session, user, job_id, version)


@router.get(
    "/jobs/{job_id}/adverse-impact.csv",
    response_class=Response,
    responses={200: {"content": {"text/csv": {}}}},
)
def adverse_impact_csv(
    job_id: uuid.UUID,
    session: SessionDep,
    user: Annotated[User, requires(Scope.FAIRNESS_READ)],
    version: VersionQuery = None,
) -> Response:
    """The same report as CSV: one row per category of each table, then its unknown count."""
    found = report.adverse_impact(session, user, job_id, version)
    return Response(
        report.report_csv(found),
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="adverse-impact-v{found.version}.csv"'
        },
    )


class SelfIdentification(BaseModel):
    """A candidate's voluntary answers, as collected outside a connected ATS. Codes only:
    anything else is refused; ``null`` means declined or not asked (reported as unknown)."""

    sex: SexCode | None = None
    race_ethnicity: RaceEthnicityCode | None = None


@router.put("/applications/{application_id}/self-identification", response_model=SelfIdentification)
def put_self_identification(
    application_id: uuid.UUID,
    data: SelfIdentification,
    session: SessionDep,
    user: Annotated[User, requires(Scope.APPLICATIONS_WRITE)],
) -> SelfIdentification:
    """Record the application's self-reported EEO categories (admin only; audited without the
    values). They feed the adverse-impact report and never the score."""
    application = set_self_identification(
        session, user, application_id, data.sex, data.race_ethnicity
    )
    return SelfIdentification(
        sex=application.eeo_sex, race_ethnicity=application.eeo_race_ethnicity
    )
