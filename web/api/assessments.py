"""The Greenhouse Assessment Partner endpoints Greenhouse calls (``list_tests``, ``send_test``,
``test_status``), per integration. The customer gives Greenhouse the partner API key whose
SHA-256 is the integration's ``settings["assessment_key_sha256"]`` and these three URLs."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select

from ats_match.errors import NotFound, Unauthorized
from ats_match.models import Application, Integration, Score
from ats_match.settings import get_settings
from connectors import greenhouse_assessment as partner
from web.deps import SessionDep

router = APIRouter(prefix="/partners/greenhouse", tags=["assessment partner"])


def _integration(session: Session, integration_id: uuid.UUID, request: Request) -> Integration:
    integration = session.get(Integration, integration_id)
    if integration is None or not integration.active or integration.vendor != "greenhouse":
        raise NotFound("no active Greenhouse integration with this id")
    expected = str((integration.settings or {}).get("assessment_key_sha256") or "")
    if not partner.partner_key_matches(request.headers.get("authorization", ""), expected):
        raise Unauthorized("the partner API key does not match")
    return integration


def _key(integration: Integration) -> bytes:
    return partner.order_key(get_settings().secret_key, str(integration.id))


@router.get("/{integration_id}/list_tests")
def list_tests(integration_id: uuid.UUID, request: Request, session: SessionDep) -> Any:
    _integration(session, integration_id, request)
    return partner.list_tests()


@router.post("/{integration_id}/send_test")
async def send_test(integration_id: uuid.UUID, request: Request, session: SessionDep) -> Any:
    integration = _integration(session, integration_id, request)
    order = partner.read_send_test(await request.json())
    return {"partner_interview_id": partner.interview_id(_key(integration), order)}


@router.get("/{integration_id}/test_status")
def test_status(
    integration_id: uuid.UUID, partner_interview_id: str, request: Request, session: SessionDep
) -> Any:
    integration = _integration(session, integration_id, request)
    order = partner.read_interview_id(_key(integration), partner_interview_id)
    application = session.exec(
        select(Application).where(
            col(Application.organization_id) == integration.organization_id,
            col(Application.integration_id) == integration.id,
            col(Application.external_id) == order.application_external_id,
        )
    ).first()
    score = _latest_score(session, application) if application else None
    profile = str(request.base_url).rstrip("/") + (
        f"/applications/{application.id}" if application else ""
    )
    return partner.test_status(score, profile)


def _latest_score(session: Session, application: Application) -> partner.ScoreView | None:
    row = session.exec(
        select(Score)
        .where(
            col(Score.organization_id) == application.organization_id,
            col(Score.application_id) == application.id,
        )
        .order_by(col(Score.scored_at).desc())
    ).first()
    if row is None:
        return None
    summary = str((row.explanation or {}).get("summary", ""))
    return partner.ScoreView(score=row.normalised, qualified=row.qualified, summary=summary)
