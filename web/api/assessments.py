"""Assessment-partner endpoints the ATS calls, per integration, so our score shows natively.

Greenhouse: ``list_tests``, ``send_test``, ``test_status``. Ashby: ``assessment.list``,
``assessment.start``, ``assessment.cancel`` (results go back through Ashby's
``assessment.update``). Both authenticate with HTTP Basic whose user name is the partner key the
customer gave the ATS; we keep only its SHA-256 (``settings["assessment_key_sha256"]``)."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, Request
from sqlmodel import Session, col, select

from ats_match.errors import InvalidInput, NotFound, Unauthorized
from ats_match.models import Application, Integration, Score
from ats_match.settings import get_settings
from connectors import ashby_assessment
from connectors import greenhouse_assessment as partner
from web.deps import SessionDep

router = APIRouter(prefix="/partners", tags=["assessment partner"])


def _integration(
    session: Session, integration_id: uuid.UUID, request: Request, vendor: str = "greenhouse"
) -> Integration:
    integration = session.get(Integration, integration_id)
    if integration is None or not integration.active or integration.vendor != vendor:
        raise NotFound(f"no active {vendor} integration with this id")
    expected = str((integration.settings or {}).get("assessment_key_sha256") or "")
    if not partner.partner_key_matches(request.headers.get("authorization", ""), expected):
        raise Unauthorized("the partner API key does not match")
    return integration


async def _json_object(request: Request) -> dict[str, Any]:
    """The body as a JSON object; anything else is the caller's mistake (422), not a 500."""
    try:
        body = await request.json()
    except (ValueError, RecursionError):
        body = None
    if not isinstance(body, dict):
        raise InvalidInput("the body must be a JSON object")
    return body


def _key(integration: Integration) -> bytes:
    return partner.order_key(get_settings().secret_key, str(integration.id))


@router.get("/greenhouse/{integration_id}/list_tests")
def list_tests(integration_id: uuid.UUID, request: Request, session: SessionDep) -> Any:
    _integration(session, integration_id, request)
    return partner.list_tests()


@router.post("/greenhouse/{integration_id}/send_test")
async def send_test(integration_id: uuid.UUID, request: Request, session: SessionDep) -> Any:
    integration = _integration(session, integration_id, request)
    order = partner.read_send_test(await _json_object(request))
    return {"partner_interview_id": partner.interview_id(_key(integration), order)}


@router.get("/greenhouse/{integration_id}/test_status")
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


@router.post("/ashby/{integration_id}/assessment.list")
def ashby_list(integration_id: uuid.UUID, request: Request, session: SessionDep) -> Any:
    _integration(session, integration_id, request, "ashby")
    return ashby_assessment.assessment_list()


@router.post("/ashby/{integration_id}/assessment.start")
async def ashby_start(integration_id: uuid.UUID, request: Request, session: SessionDep) -> Any:
    _integration(session, integration_id, request, "ashby")
    return ashby_assessment.start_answer(ashby_assessment.read_start(await _json_object(request)))


@router.post("/ashby/{integration_id}/assessment.cancel")
def ashby_cancel(integration_id: uuid.UUID, request: Request, session: SessionDep) -> Any:
    _integration(session, integration_id, request, "ashby")
    return {"success": True}  # nothing runs on our side between start and the score
